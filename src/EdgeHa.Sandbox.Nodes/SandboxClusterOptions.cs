using EdgeHa.Sandbox.Nodes.LoadBalancer;
using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>Settings of a <see cref="SandboxCluster"/>.</summary>
public sealed class SandboxClusterOptions
{
    /// <summary>The simulated nodes, in order.</summary>
    public IList<string> NodeNames { get; set; } = ["node-a", "node-b"];

    /// <summary>
    /// The first node index: node i gets pod addresses 127.77.(FirstNodeIndex + i).x. Clusters of one process never
    /// share an index (a taken one is skipped); give clusters of different processes on one machine different ranges.
    /// </summary>
    public int FirstNodeIndex { get; set; } = 1;

    /// <summary>Extra labels per node name.</summary>
    public IDictionary<string, IDictionary<string, string>> NodeLabels { get; set; } = new Dictionary<string, IDictionary<string, string>>(StringComparer.Ordinal);

    /// <summary>How the nodes run containers. Required.</summary>
    public IPodRuntime? Runtime { get; set; }

    /// <summary>Heartbeat and lease renewal interval of every node.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When set, readiness probes run at this period (for example 200 ms).</summary>
    public TimeSpan? ProbePeriodOverride { get; set; }

    /// <summary>The node lifecycle controller's settings (grace period 40 s by default).</summary>
    public NodeLifecycleControllerOptions Lifecycle { get; set; } = new();

    /// <summary>The load balancer's settings.</summary>
    public LoopbackLoadBalancerOptions LoadBalancer { get; set; } = new();

    /// <summary>Run the load balancer (default true).</summary>
    public bool EnableLoadBalancer { get; set; } = true;

    /// <summary>
    /// Crash / restore a node when its annotation sandbox.edgeha.io/power changes to off / on, so a user of a running
    /// sandbox can pull the plug with kubectl. Off by default: a host that drives the annotation itself (the demo) keeps control.
    /// </summary>
    public bool EnablePowerSwitch { get; set; }

    /// <summary>Seed of pod names; null = random.</summary>
    public int? Seed { get; set; }
}
