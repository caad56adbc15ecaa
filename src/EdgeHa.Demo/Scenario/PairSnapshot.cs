namespace EdgeHa.Demo.Scenario;

/// <summary>The parts of a RedundantPair's status the demo follows.</summary>
public sealed record PairSnapshot
{
    public string? Phase { get; init; }

    public string? ActiveNode { get; init; }

    public long? Epoch { get; init; }

    public long? FailoverCount { get; init; }

    public long? PredictedFailoverMs { get; init; }

    public IReadOnlyList<NodeHealth> Nodes { get; init; } = [];

    public TransitionSnapshot? LastTransition { get; init; }

    /// <summary>status.rollout, while or after a collector template change rolls.</summary>
    public RolloutSnapshot? Rollout { get; init; }
}

/// <summary>status.rollout: the template hash being rolled, Progressing/Complete/Stalled, and what it waits for.</summary>
public sealed record RolloutSnapshot(string? TemplateHash, string? Phase, string? Message);

/// <summary>One node of the pair as status reports it.</summary>
public sealed record NodeHealth(string Name, string? Role, bool? Ready, bool? Healthy);

/// <summary>status.lastTransition.</summary>
public sealed record TransitionSnapshot(DateTimeOffset? Time, string? Reason, string? From, string? To, long? DetectionMs, long? SwitchMs);

/// <summary>A Kubernetes Event about the pair.</summary>
public sealed record PairEvent(string Key, DateTimeOffset At, string? Type, string? Reason, string? Note);
