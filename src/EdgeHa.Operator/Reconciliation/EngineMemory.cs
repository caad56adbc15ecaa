using EdgeHa.Api;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>The engine's <see cref="F.FailoverState"/> to and from status.memory, so it survives a leader change.</summary>
internal static class EngineMemory
{
    public static EngineMemoryStatus? ToStatus(F.FailoverState state) =>
        state == F.FailoverState.Initial
            ? null
            : new EngineMemoryStatus
            {
                PrimaryEligibleSince = state.PrimaryEligibleSince,
                ActiveFailureNode = state.ActiveFailureNode,
                ActiveFailureDetectedAt = state.ActiveFailureDetectedAt,
                LastHandledSwitchoverId = state.LastHandledSwitchoverId,
                DegradedReason = state.DegradedReason,
                FailbackWarmupSince = state.FailbackWarmupSince,
                ActiveConfirmedHealthy = state.ActiveConfirmedHealthy ? true : null,
                LastFailedNode = state.LastFailedNode,
                LastFailedAt = state.LastFailedAt,
            };

    public static F.FailoverState FromStatus(EngineMemoryStatus? memory) =>
        memory is null
            ? F.FailoverState.Initial
            : new F.FailoverState(
                memory.PrimaryEligibleSince,
                memory.ActiveFailureNode,
                memory.ActiveFailureDetectedAt,
                memory.LastHandledSwitchoverId,
                memory.DegradedReason,
                memory.FailbackWarmupSince,
                memory.ActiveConfirmedHealthy ?? false,
                memory.LastFailedNode,
                memory.LastFailedAt);
}
