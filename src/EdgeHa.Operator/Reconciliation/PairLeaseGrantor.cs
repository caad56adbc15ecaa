using System.Globalization;
using EdgeHa.Fencing;
using EdgeHa.Kube.Models;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// The grantor's side of the pair Lease, pure: how it reads the Lease for the engine (the one place that decides what
/// the engine may assume about it) and how it writes a grant. The caller supplies when the operator first saw the Lease in its current form (its own monotonic clock) and the pods.
/// The rules it keeps (docs/EdgeHa.Fencing.md):
/// <list type="bullet">
/// <item>Only a release record written by the last holder itself (released-by = the identity granted the epoch,
/// released-epoch = that epoch) is a release. An empty, recreated or hand-edited Lease is not: the engine then waits
/// lease duration + margin from the last change the operator saw.</item>
/// <item>The wait uses the longest duration a holder may still act under: the current terms or the duration the
/// holder declared with its last renewal, whichever is longer (a spec edit that shortens the lease shortens nothing
/// for a holder that renewed under the old terms).</item>
/// <item>A Lease never granted (no epoch on it or in status) has nobody to wait for.</item>
/// </list>
/// </summary>
public static class PairLeaseGrantor
{
    /// <param name="lease">The pair Lease as last read.</param>
    /// <param name="terms">The terms of the spec.</param>
    /// <param name="statusEpoch">The epoch the pair's status records (0 when never promoted).</param>
    /// <param name="observedAt">When the operator first saw the Lease's holder and renewal as they are now.</param>
    /// <param name="podByName">Looks up a pod of the pair by name (null when not in the cache).</param>
    /// <param name="currentPods">The pod that speaks for each node now.</param>
    public static F.LeaseObservation Read(
        Lease lease,
        LeaseTerms terms,
        long statusEpoch,
        DateTimeOffset observedAt,
        Func<string, Pod?> podByName,
        IReadOnlyDictionary<string, Pod?> currentPods)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(podByName);
        ArgumentNullException.ThrowIfNull(currentPods);
        var annotations = lease.Metadata.Annotations;
        var holderPod = lease.Spec?.HolderIdentity;
        var epoch = Epoch(lease);
        var duration = LeaseTerms.FromLease(lease, terms).Duration;
        if (Long(annotations, FencingAnnotations.HolderDurationMilliseconds) is long declared && declared > duration.TotalMilliseconds)
        {
            duration = TimeSpan.FromMilliseconds(declared);
        }

        if (terms.Duration > duration)
        {
            duration = terms.Duration;
        }

        var transitions = lease.Spec?.LeaseTransitions ?? 0;
        if (string.IsNullOrEmpty(holderPod))
        {
            var releasedBy = Text(annotations, FencingAnnotations.ReleasedBy);
            var released = releasedBy is not null
                && releasedBy == Text(annotations, FencingAnnotations.GrantedTo)
                && Long(annotations, FencingAnnotations.ReleasedEpoch) is long releasedEpoch && releasedEpoch == epoch;
            var neverGranted = epoch <= 0 && statusEpoch <= 0;
            return new F.LeaseObservation(null, neverGranted ? null : observedAt, duration, transitions, released ? releasedBy : null);
        }

        return new F.LeaseObservation(HolderNode(lease, holderPod, podByName, currentPods), observedAt, duration, transitions);
    }

    /// <summary>
    /// The grant, written onto <paramref name="lease"/> (a copy of the current Lease, sent as one compare-and-swap):
    /// the holder and the epoch with the grant record that makes the holder's later release recognisable, the terms,
    /// and no leftovers of the previous holding. Every grant takes an epoch above the last one granted on the Lease,
    /// also when it is no transition (the active's pod restarted on the same node): the epoch is the fencing token a
    /// device or consumer rejects older writes by, so two holdings never share one. <see cref="Epoch(Lease)"/> of the
    /// result is the epoch granted.
    /// </summary>
    public static Lease Grant(Lease lease, string pod, string node, long epoch, LeaseTerms terms, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(terms);
        var spec = lease.Spec ??= new LeaseSpec();
        spec.HolderIdentity = pod;
        spec.AcquireTime = null; // set by the holder's first renewal: that is its confirmation
        spec.RenewTime = now;
        spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
        var granted = Math.Max(epoch, Epoch(lease) + 1);
        var annotations = lease.Metadata.Annotations ??= new Dictionary<string, string>();
        annotations[FencingAnnotations.Epoch] = granted.ToString(CultureInfo.InvariantCulture);
        annotations[FencingAnnotations.GrantedTo] = pod;
        annotations[FencingAnnotations.GrantedNode] = node;
        annotations.Remove(FencingAnnotations.HandoverRequested);
        annotations.Remove(FencingAnnotations.ReleasedBy);
        annotations.Remove(FencingAnnotations.ReleasedEpoch);
        annotations.Remove(FencingAnnotations.HolderDurationMilliseconds);
        annotations.Remove(FencingAnnotations.CollectorRestarts);
        annotations.Remove(FencingAnnotations.CollectorBackOff);
        annotations.Remove(FencingAnnotations.PromotionGap);
        terms.WriteTo(lease);
        return lease;
    }

    /// <summary>
    /// On a Lease the operator (re)creates: declares the longest duration a previous holder may still be acting
    /// under, when longer than the terms, so that the wait for it survives a restart of the operator too.
    /// </summary>
    public static void DeclareHeldUnder(Lease lease, LeaseTerms terms, TimeSpan? heldUnder)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(terms);
        if (heldUnder is { } duration && duration > terms.Duration)
        {
            (lease.Metadata.Annotations ??= new Dictionary<string, string>())[FencingAnnotations.HolderDurationMilliseconds] =
                ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The form of the Lease whose first sighting starts the expiry wait: its holder and its last renewal.</summary>
    public static string Stamp(Lease lease) =>
        (lease?.Spec?.HolderIdentity ?? "") + "|" + lease?.Spec?.RenewTime?.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The epoch the operator last granted on this Lease (0 when none).</summary>
    public static long Epoch(Lease lease) => Long(lease?.Metadata.Annotations, FencingAnnotations.Epoch) ?? 0;

    /// <summary>
    /// The holder as the engine must see it: a node name when the holder is that node's current pod; any other pod
    /// name stays an unknown identity ("pod/NAME") that must release or expire.
    /// </summary>
    private static string HolderNode(Lease lease, string holderPod, Func<string, Pod?> podByName, IReadOnlyDictionary<string, Pod?> currentPods)
    {
        var annotations = lease.Metadata.Annotations;
        var node = Text(annotations, FencingAnnotations.GrantedTo) == holderPod
            ? Text(annotations, FencingAnnotations.GrantedNode)
            : podByName(holderPod)?.Metadata.Labels is { } labels && labels.TryGetValue(PairLabels.Node, out var labelled) ? labelled : null;
        return node is not null && (!currentPods.TryGetValue(node, out var current) || current is null || current.Metadata.Name == holderPod)
            ? node
            : "pod/" + holderPod;
    }

    private static string? Text(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static long? Long(IDictionary<string, string>? annotations, string key) =>
        Text(annotations, key) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
