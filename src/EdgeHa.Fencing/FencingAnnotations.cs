namespace EdgeHa.Fencing;

/// <summary>
/// The annotations on the pair Lease through which the operator (the grantor) and the holder talk. The Lease's own
/// fields carry the holder and its renewals; these carry what the Lease type has no field for.
/// </summary>
public static class FencingAnnotations
{
    /// <summary>The epoch the operator granted this holding under; the holder stamps it on what it publishes.</summary>
    public const string Epoch = "edgeha.io/epoch";

    /// <summary>The lease duration in milliseconds (the Lease's leaseDurationSeconds is whole seconds only).</summary>
    public const string LeaseDurationMilliseconds = "edgeha.io/lease-duration-ms";

    /// <summary>How often the holder renews, in milliseconds.</summary>
    public const string RenewIntervalMilliseconds = "edgeha.io/renew-interval-ms";

    /// <summary>The clock-skew margin in milliseconds: the holder stops acting this long before its lease could expire.</summary>
    public const string ClockSkewMarginMilliseconds = "edgeha.io/clock-skew-margin-ms";

    /// <summary>How long one renewal request of the holder may take, in milliseconds.</summary>
    public const string RequestTimeoutMilliseconds = "edgeha.io/request-timeout-ms";

    /// <summary>
    /// Written by the holder with every renewal: the lease duration in milliseconds it acts under for that renewal.
    /// The grantor waits out the longest of this and the current terms, so shortening the lease in the spec never
    /// shortens the wait for a holder that renewed under the longer one.
    /// </summary>
    public const string HolderDurationMilliseconds = "edgeha.io/holder-duration-ms";

    /// <summary>Written by the operator at a grant: the identity (pod name) it granted the epoch to.</summary>
    public const string GrantedTo = "edgeha.io/granted-to";

    /// <summary>Written by the operator at a grant: the node of the pod it granted the epoch to.</summary>
    public const string GrantedNode = "edgeha.io/granted-node";

    /// <summary>
    /// Written by the holder itself when it releases, in the same compare-and-swap that empties holderIdentity and
    /// records its last sequence: its identity. With <see cref="ReleasedEpoch"/> this is the only thing that lets the
    /// grantor skip the expiry wait; an empty, recreated or hand-edited Lease is not a release.
    /// </summary>
    public const string ReleasedBy = "edgeha.io/released-by";

    /// <summary>Written with <see cref="ReleasedBy"/>: the epoch of the holding that was released.</summary>
    public const string ReleasedEpoch = "edgeha.io/released-epoch";

    /// <summary>Set by the operator for a planned handover: the holder stops acting, records its last sequence and releases.</summary>
    public const string HandoverRequested = "edgeha.io/handover-requested";

    /// <summary>
    /// The last sequence the holder published, written at every renewal and at release, so that the next holder
    /// replays from there and no sample is lost across a failover: the device's 16-bit counter unwrapped to 64 bits
    /// (older holders wrote the raw 16-bit value). Read and written through <see cref="PublishedSequence"/>.
    /// </summary>
    public const string LastPublishedSequence = "edgeha.io/last-published-sequence";

    /// <summary>
    /// Not part of the fencing protocol, a report: written by a holder that wraps its collector (edgeha-agent) with
    /// every renewal, how often it restarted the collector during this holding. Kubelet sees none of these restarts
    /// (the agent's container keeps running), so the operator reads them here for status. A grant clears it.
    /// </summary>
    public const string CollectorRestarts = "edgeha.io/collector-restarts";

    /// <summary>
    /// With <see cref="CollectorRestarts"/>, only while the wrapped collector exited and waits for its restart: what
    /// kubelet would put in a CrashLoopBackOff waiting message ("back-off 8s restarting the collector (exit code 3,
    /// 4 crashes in a row)"). Absent while the collector runs. A grant clears it.
    /// </summary>
    public const string CollectorBackOff = "edgeha.io/collector-back-off";

    /// <summary>
    /// Not part of the fencing protocol, a report: written by a promoted collector with its renewals when its buffer
    /// had a hole right after the previous holder's last published sequence (<c>epoch=E sequences=F-L reason</c>):
    /// it could not replay them, and saying so beats a silent gap at the consumer. A grant clears it.
    /// </summary>
    public const string PromotionGap = "edgeha.io/promotion-gap";
}
