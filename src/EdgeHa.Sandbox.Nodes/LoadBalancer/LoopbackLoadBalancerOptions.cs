namespace EdgeHa.Sandbox.Nodes.LoadBalancer;

/// <summary>Settings of <see cref="LoopbackLoadBalancer"/>.</summary>
public sealed class LoopbackLoadBalancerOptions
{
    /// <summary>Fixed VIP -> loopback address pairs ("192.168.10.50" -> "127.88.0.50"); other VIPs get the next free 127.88.0.n.</summary>
    public IDictionary<string, string> VipMappings { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The first three octets of automatically mapped loopback addresses.</summary>
    public string LoopbackPrefix { get; set; } = "127.88.0.";

    /// <summary>How often services are reconciled even without a change.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The time limit to connect to the selected pod.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Event's reportingController (MetalLB's speaker reports as metallb-speaker).</summary>
    public string ReportingController { get; set; } = "edgeha.io/sandbox-loadbalancer";
}
