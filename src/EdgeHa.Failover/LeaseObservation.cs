namespace EdgeHa.Failover;

/// <summary>The pair's coordination.k8s.io/v1 Lease, the fencing token.</summary>
/// <param name="Holder">holderIdentity (the node name of the acting collector); null or empty when nobody holds it.</param>
/// <param name="RenewTime">
/// When the operator first saw the Lease as it is now (its holder and last renewal), by the operator's own monotonic
/// clock; never the time another machine wrote. Null for a Lease never granted: there is nobody to wait for.
/// </param>
/// <param name="Duration">The longest lease duration a holder may still be acting under (current terms or those of its last renewal).</param>
/// <param name="Transitions">leaseTransitions.</param>
/// <param name="ReleasedBy">
/// Set only when the Lease is empty because its last holder released it itself (it had stopped acting first): the
/// holder's release record (<c>edgeha.io/released-by</c> and <c>released-epoch</c>, written with the empty holder in one
/// compare-and-swap) names the identity and epoch that were granted. Any other empty Lease (cleared by hand, deleted
/// and recreated) leaves its last holder free to act until its lease runs out.
/// </param>
public sealed record LeaseObservation(
    string? Holder,
    DateTimeOffset? RenewTime,
    TimeSpan Duration,
    int Transitions = 0,
    string? ReleasedBy = null)
{
    /// <summary>A Lease that was never held.</summary>
    public static LeaseObservation Empty { get; } = new(null, null, TimeSpan.Zero);

    public bool IsHeld => !string.IsNullOrEmpty(Holder);

    /// <summary>The time after which a new holder may be granted: old expiry plus the clock-skew margin.</summary>
    public DateTimeOffset? SafeAfter(TimeSpan clockSkewMargin) => RenewTime is { } r ? r + Duration + clockSkewMargin : null;
}
