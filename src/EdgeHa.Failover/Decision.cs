namespace EdgeHa.Failover;

/// <summary>What should be true next, and why. Plain values; the operator turns them into API writes.</summary>
public sealed record Decision
{
    /// <summary>The desired active node (status.activeNode); null before the first promotion.</summary>
    public string? ActiveNode { get; init; }

    /// <summary>The desired role per node name.</summary>
    public required IReadOnlyDictionary<string, NodeRole> Roles { get; init; }

    /// <summary>What to do to the pair Lease now (or at <see cref="LeaseAction.NotBefore"/>).</summary>
    public required LeaseAction Lease { get; init; }

    /// <summary>status.epoch: incremented at every promotion.</summary>
    public long Epoch { get; init; }

    /// <summary>status.failoverCount: incremented at every unplanned failover.</summary>
    public long FailoverCount { get; init; }

    public PairPhase Phase { get; init; }

    public IReadOnlyList<ConditionValue> Conditions { get; init; } = [];

    public IReadOnlyList<EngineEvent> Events { get; init; } = [];

    public IReadOnlyList<NodeVerdict> Nodes { get; init; } = [];

    /// <summary>Set when this decision promotes a node; the caller stores it as status.lastTransition.</summary>
    public TransitionRecord? Transition { get; init; }

    /// <summary>Set when this decision acted on a switchover request.</summary>
    public SwitchoverAck? Switchover { get; init; }

    /// <summary>Re-run the engine at this time even if nothing changes (a delay, grace, fencing wait or window ends).</summary>
    public DateTimeOffset? NextEvaluationAt { get; init; }

    /// <summary>The state to pass back in the next observation.</summary>
    public required FailoverState State { get; init; }

    /// <summary>True when this decision changes the active node.</summary>
    public bool IsPromotion => Transition is not null;
}
