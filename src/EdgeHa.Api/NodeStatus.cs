using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>The observed state of one node of the pair.</summary>
public sealed class NodeStatus
{
    /// <summary>The node name.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The role of the node's collector: Active, Standby or Stopped.</summary>
    public NodeRole? Role { get; set; }

    /// <summary>Whether the node is Ready and its node lease is fresh.</summary>
    public bool? Ready { get; set; }

    /// <summary>Whether the collector on the node passes its health check.</summary>
    public bool? Healthy { get; set; }

    /// <summary>Consecutive failed probes, in send order.</summary>
    public int? ConsecutiveFailures { get; set; }

    /// <summary>When the last probe completed.</summary>
    public DateTimeOffset? LastProbeTime { get; set; }

    /// <summary>
    /// How often the node's collector was restarted in its current pod: the containers' restartCount as kubelet
    /// reports it, plus, for a collector wrapped by edgeha-agent (whose pod keeps running), the agent's restarts of it
    /// while it holds the pair Lease (only the active side runs its collector).
    /// </summary>
    public int? RestartCount { get; set; }

    /// <summary>Why the node's collector is not running, in CamelCase, when it is known: CrashLoopBackOff while it keeps exiting and waits to be started again.</summary>
    public string? Reason { get; set; }

    /// <summary>A human readable note about the node's state.</summary>
    public string? Message { get; set; }
}
