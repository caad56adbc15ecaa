namespace EdgeHa.Failover;

/// <summary>The pair's coordination.k8s.io/v1 Lease, the fencing token.</summary>
/// <param name="Holder">holderIdentity (the node name of the acting collector); null or empty when nobody holds it.</param>
/// <param name="RenewTime">renewTime: written by the holder with its own clock at every renew (by the operator at a grant).</param>
/// <param name="Duration">leaseDurationSeconds/Milliseconds as written.</param>
/// <param name="Transitions">leaseTransitions.</param>
/// <param name="ReleasedBy">
/// Set when the Lease is empty because its last holder released it itself (it had stopped acting first): the
/// collector writes the annotation <c>edgeha.io/released-by: &lt;node&gt;</c> with an empty holder. An empty Lease without it
/// was revoked by the operator, and its last holder may still act until its lease runs out.
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
