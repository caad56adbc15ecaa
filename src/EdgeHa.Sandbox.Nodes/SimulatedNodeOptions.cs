namespace EdgeHa.Sandbox.Nodes;

/// <summary>Settings of one <see cref="SimulatedNode"/>.</summary>
public sealed class SimulatedNodeOptions
{
    /// <summary>The node name (also the kubernetes.io/hostname label and the node lease's holder).</summary>
    public string Name { get; set; } = "node-a";

    /// <summary>1..254: the node's pods get 127.77.&lt;Index&gt;.2 and up; the node itself 127.77.&lt;Index&gt;.1.</summary>
    public int Index { get; set; } = 1;

    /// <summary>
    /// The first three octets of the node's addresses, with the trailing dot (for example "10.214.1."): the node is
    /// &lt;prefix&gt;1 and its pods &lt;prefix&gt;2 and up. Null (default) = 127.77.&lt;Index&gt;. on loopback. For a node whose
    /// process runs in its own network namespace (a real link that can be cut), these are addresses of that
    /// namespace's interface, which whoever creates the namespace assigns: the node does not add them.
    /// </summary>
    public string? AddressPrefix { get; set; }

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
        if (AddressPrefix is not null && !IsAddressPrefix(AddressPrefix))
        {
            throw new ArgumentException($"AddressPrefix \"{AddressPrefix}\" is not three IPv4 octets with a trailing dot (like \"10.214.1.\")", nameof(AddressPrefix));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(LeaseDurationSeconds, 1);
    }

    private static bool IsAddressPrefix(string prefix)
    {
        var parts = prefix.Split('.');
        return parts.Length == 4 && parts[3].Length == 0
            && parts[..3].All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }
}
