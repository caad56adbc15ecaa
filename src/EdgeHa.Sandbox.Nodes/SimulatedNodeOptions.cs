namespace EdgeHa.Sandbox.Nodes;

/// <summary>Settings of one <see cref="SimulatedNode"/>.</summary>
public sealed class SimulatedNodeOptions
{
    /// <summary>The node name (also the kubernetes.io/hostname label and the node lease's holder).</summary>
    public string Name { get; set; } = "node-a";

    /// <summary>1..254: the node's pods get 127.77.&lt;Index&gt;.2 and up; the node itself 127.77.&lt;Index&gt;.1.</summary>
    public int Index { get; set; } = 1;

    /// <summary>Extra labels; kubernetes.io/hostname, kubernetes.io/os and kubernetes.io/arch are always set.</summary>
    public IDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How often the node lease is renewed and the Ready heartbeat posted (a kubelet renews every 10 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The node lease's leaseDurationSeconds.</summary>
    public int LeaseDurationSeconds { get; set; } = 40;

    /// <summary>When set, every readinessProbe runs at this period instead of its periodSeconds (for example 200 ms).</summary>
    public TimeSpan? ProbePeriodOverride { get; set; }

    /// <summary>The longest graceful stop of a deleted pod's containers (terminationGracePeriodSeconds is capped to this).</summary>
    public TimeSpan MaxTerminationGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the node reconciles even without a change.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of pod name suffixes; null = random.</summary>
    public int? Seed { get; set; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentOutOfRangeException.ThrowIfLessThan(Index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Index, 254);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(LeaseDurationSeconds, 1);
    }
}
