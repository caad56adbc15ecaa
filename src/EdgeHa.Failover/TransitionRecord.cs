namespace EdgeHa.Failover;

/// <summary>The last change of the active node (status.lastTransition).</summary>
/// <param name="At">When the promotion was decided.</param>
/// <param name="Kind">Failover, switchover, fail-back or the first promotion.</param>
/// <param name="Reason">CamelCase reason (e.g. ProbeFailed, NodeNotReady, SwitchoverRequested, Failback).</param>
/// <param name="From">The previous active node, if any.</param>
/// <param name="To">The new active node.</param>
/// <param name="Detection">From the first failure evidence to the decision (zero for planned switches).</param>
public sealed record TransitionRecord(
    DateTimeOffset At,
    TransitionKind Kind,
    string Reason,
    string? From,
    string To,
    TimeSpan Detection);
