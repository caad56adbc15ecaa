namespace EdgeHa.Sandbox.Nodes;

/// <summary>Settings of <see cref="NodeLifecycleController"/> (kube-controller-manager's --node-monitor-* flags).</summary>
public sealed class NodeLifecycleControllerOptions
{
    /// <summary>How long a node's lease may go unrenewed before the node is marked Unknown (--node-monitor-grace-period, default 40 s).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>How often nodes are checked (--node-monitor-period; the controller-manager uses 5 s).</summary>
    public TimeSpan MonitorPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Also mark the pods of an unreachable node not Ready, as the controller-manager does (default true).</summary>
    public bool MarkPodsNotReady { get; set; } = true;
}
