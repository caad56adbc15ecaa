namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The pair's status as the operator persists it.</summary>
internal sealed record SimStatus(
    string? ActiveNode,
    long Epoch,
    long FailoverCount,
    TransitionRecord? LastTransition,
    FailoverState State,
    SwitchoverAck? Switchover);
