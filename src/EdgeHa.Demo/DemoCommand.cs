using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo;

/// <summary>What the user asked for.</summary>
public enum DemoCommandKind
{
    Run,
    Up,
    Node,
}

/// <summary>A parsed command line.</summary>
public sealed record DemoCommand
{
    public DemoCommandKind Kind { get; init; } = DemoCommandKind.Run;

    /// <summary>hot, cold or both.</summary>
    public string Mode { get; init; } = "both";

    public string? WorkDirectory { get; init; }

    public string Configuration { get; init; } = "Release";

    /// <summary>The whole run's limit; the demo stops (cleanly, with a message) when it is reached.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(240);

    /// <summary>node: crash or restore.</summary>
    public string? NodeAction { get; init; }

    public string? NodeName { get; init; }

    public string? Kubeconfig { get; init; }

    /// <summary>--broker; null: EDGEHA_DEMO_BROKER, else the embedded broker.</summary>
    public DemoBrokerKind? Broker { get; init; }
}
