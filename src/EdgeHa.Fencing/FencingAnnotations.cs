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

    /// <summary>Set by the operator for a planned handover: the holder stops acting, records its last sequence and releases.</summary>
    public const string HandoverRequested = "edgeha.io/handover-requested";

    /// <summary>
    /// The last sequence the holder published, written at every renewal and at release, so that the next holder
    /// replays from there and no sample is lost across a failover.
    /// </summary>
    public const string LastPublishedSequence = "edgeha.io/last-published-sequence";
}
