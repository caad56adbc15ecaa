namespace EdgeHa.Demo.Infrastructure;

/// <summary>Settings of <see cref="SandboxDemoEnvironment"/>.</summary>
public sealed class DemoEnvironmentOptions
{
    /// <summary>Where the kubeconfig, the logs and the state go.</summary>
    public required string WorkDirectory { get; init; }

    public required RepositoryLayout Repository { get; init; }

    /// <summary>The build configuration whose programs are run (the newest build is used when it is missing).</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>The simulated nodes.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = ["edge-a", "edge-b"];

    /// <summary>The device (the PLC): its own loopback address, not on any node, so it survives node crashes.</summary>
    public string PlcAddress { get; init; } = "127.66.0.2";

    public int PlcPort { get; init; } = 5020;

    /// <summary>The MQTT broker the collectors publish to and the demo's subscriber reads (None: no MQTT).</summary>
    public DemoBrokerKind Broker { get; init; } = DemoBrokerKind.Embedded;

    /// <summary>The broker's own loopback address, not on any node, so it survives node crashes.</summary>
    public string BrokerAddress { get; init; } = "127.66.0.4";

    /// <summary>The broker's port (0 = any free port).</summary>
    public int BrokerPort { get; init; }

    /// <summary>The first three octets of the loopback addresses that stand in for VIPs.</summary>
    public string VipLoopbackPrefix { get; init; } = "127.88.0.";

    /// <summary>The API server's port on 127.0.0.1 (0 = any free port).</summary>
    public int ApiServerPort { get; init; }

    /// <summary>How long the operator may take to answer /readyz.</summary>
    public TimeSpan OperatorReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra operator flags.</summary>
    public IReadOnlyList<string> OperatorArgs { get; init; } = [];

    public string LogDirectory => Path.Combine(WorkDirectory, "logs");

    public string KubeconfigPath => Path.Combine(WorkDirectory, "kubeconfig");
}
