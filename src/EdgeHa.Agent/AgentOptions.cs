using EdgeHa.Fencing;

namespace EdgeHa.Agent;

/// <summary>What the agent wraps and under which lease.</summary>
internal sealed class AgentOptions
{
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(5);

    public required LeaseHolderOptions Lease { get; init; }

    /// <summary>The collector's executable.</summary>
    public required string Command { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>How long the collector gets to stop after SIGTERM on a planned handover.</summary>
    public TimeSpan StopGrace { get; init; } = DefaultStopGrace;

    /// <summary>The kubeconfig to use; null = the standard order (KUBECONFIG, ~/.kube/config, in-cluster).</summary>
    public string? Kubeconfig { get; init; }
}
