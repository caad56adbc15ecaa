using EdgeHa.Api;
using EdgeHa.Kube.Models;
using NodeStatus = EdgeHa.Api.NodeStatus;

namespace EdgeHa.Kubectl.Output;

/// <summary>
/// What <c>kubectl edgeha status</c> shows of one pair, taken from its spec and status: the stable shape of
/// <c>-o json</c>, and the input of the text formatter.
/// </summary>
internal sealed record PairSummary
{
    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public DateTimeOffset? CreationTimestamp { get; init; }

    public PairPhase? Phase { get; init; }

    public string? ActiveNode { get; init; }

    public long? Epoch { get; init; }

    public required string PrimaryNode { get; init; }

    public required string StandbyNode { get; init; }

    public StandbyMode StandbyMode { get; init; }

    public FailbackMode Failback { get; init; }

    public bool Paused { get; init; }

    /// <summary>One entry per node of the pair (primary first), with what the status says of it; unreported fields stay null.</summary>
    public required IReadOnlyList<NodeStatus> Nodes { get; init; }

    public VipSummary? Vip { get; init; }

    public TransitionStatus? LastFailover { get; init; }

    public long FailoverCount { get; init; }

    public long? PredictedFailoverMilliseconds { get; init; }

    /// <summary>Progress of the last collector template change, or null before the operator reported one.</summary>
    public RolloutStatus? Rollout { get; init; }

    /// <summary>A switchover the spec requests (spec.failover.switchoverTo), acknowledged or not.</summary>
    public string? SwitchoverRequestedTo { get; init; }

    /// <summary>The operator's acknowledgement of the last switchover request.</summary>
    public SwitchoverStatus? Switchover { get; init; }

    public required IReadOnlyList<Condition> Conditions { get; init; }

    /// <summary>Builds the summary of <paramref name="pair"/>.</summary>
    public static PairSummary From(RedundantPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var spec = pair.Spec;
        var status = pair.Status;
        var reported = status?.Nodes ?? [];
        var nodes = new List<NodeStatus>();
        foreach (var name in new[] { spec.PrimaryNode, spec.StandbyNode }.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal))
        {
            nodes.Add(reported.FirstOrDefault(n => n.Name == name) ?? new NodeStatus { Name = name });
        }

        // Nodes the status reports but the spec no longer names (the spec was just edited) are shown too.
        nodes.AddRange(reported.Where(n => !nodes.Any(k => k.Name == n.Name)));

        VipSummary? vip = null;
        if (spec.Vip is not null || status?.Vip is not null)
        {
            vip = new VipSummary(
                status?.Vip?.Address ?? spec.Vip?.Address,
                status?.Vip?.Provider ?? spec.Vip?.Provider ?? VipProvider.None,
                status?.Vip?.AnnouncedBy);
        }

        return new PairSummary
        {
            Name = pair.Metadata.Name ?? "",
            Namespace = pair.Metadata.Namespace ?? "",
            CreationTimestamp = pair.Metadata.CreationTimestamp,
            Phase = status?.Phase,
            ActiveNode = status?.ActiveNode,
            Epoch = status?.Epoch,
            PrimaryNode = spec.PrimaryNode,
            StandbyNode = spec.StandbyNode,
            StandbyMode = spec.StandbyMode,
            Failback = spec.Failover.Failback,
            Paused = spec.Paused,
            Nodes = nodes,
            Vip = vip,
            LastFailover = status?.LastTransition,
            FailoverCount = status?.FailoverCount ?? 0,
            PredictedFailoverMilliseconds = status?.PredictedFailoverMilliseconds,
            Rollout = status?.Rollout,
            SwitchoverRequestedTo = string.IsNullOrEmpty(spec.Failover.SwitchoverTo) ? null : spec.Failover.SwitchoverTo,
            Switchover = status?.Switchover,
            Conditions = status?.Conditions ?? [],
        };
    }

    /// <summary>The status of one condition type, or null when it is not reported.</summary>
    public string? ConditionStatus(string type) => Conditions.FirstOrDefault(c => c.Type == type)?.Status;
}

/// <summary>The virtual IP: the address, who announces it, and from which node.</summary>
internal sealed record VipSummary(string? Address, VipProvider Provider, string? AnnouncedBy);
