namespace EdgeHa.Failover;

/// <summary>
/// The little memory the engine carries between calls. The caller stores it (e.g. in status) and passes it back,
/// so a new operator leader continues where the last one stopped.
/// </summary>
/// <param name="PrimaryEligibleSince">Since when the primary has been continuously eligible (for fail-back).</param>
/// <param name="ActiveFailureNode">The active node whose failure was first seen at <paramref name="ActiveFailureDetectedAt"/>.</param>
/// <param name="ActiveFailureDetectedAt">When the current failure of the active node was detected (start of the failover delay).</param>
/// <param name="LastHandledSwitchoverId">The last switchover request acted on (accepted or refused).</param>
/// <param name="DegradedReason">The last degraded reason reported, so its Event is emitted once.</param>
/// <param name="FailbackWarmupSince">Cold standby: since when the primary's collector runs in standby role before a fail-back.</param>
/// <param name="LastFailedNode">The node the last unplanned failover left.</param>
/// <param name="LastFailedAt">When that failover was decided.</param>
/// <param name="ActiveConfirmedHealthy">The active's collector has had a healthy probe verdict since its promotion (a cold start is over).</param>
public sealed record FailoverState(
    DateTimeOffset? PrimaryEligibleSince = null,
    string? ActiveFailureNode = null,
    DateTimeOffset? ActiveFailureDetectedAt = null,
    string? LastHandledSwitchoverId = null,
    string? DegradedReason = null,
    DateTimeOffset? FailbackWarmupSince = null,
    bool ActiveConfirmedHealthy = false,
    string? LastFailedNode = null,
    DateTimeOffset? LastFailedAt = null)
{
    public static FailoverState Initial { get; } = new();
}
