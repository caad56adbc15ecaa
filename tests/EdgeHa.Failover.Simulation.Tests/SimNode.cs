namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>One node: its clock, its kubelet and its collector process.</summary>
internal sealed class SimNode(int index, string name, long clockOffsetMs)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    /// <summary>This node's clock minus true time (bounded skew).</summary>
    public long ClockOffsetMs { get; } = clockOffsetMs;

    public bool Up { get; set; } = true;

    public int Crashes { get; set; }

    /// <summary>Bumped at every crash so callbacks of the dead incarnation are dropped.</summary>
    public int Incarnation { get; set; }

    public bool Running { get; set; }

    public bool Starting { get; set; }

    public int Process { get; set; }

    public long CrashHoldUntil { get; set; }

    public NodeRole KnownRole { get; set; } = NodeRole.Stopped;

    /// <summary>The collector believes it may act (it holds the Lease and its role is Active).</summary>
    public bool Acting { get; set; }

    /// <summary>Local send time of the last successful renew: the collector acts until basis + duration - stop margin, by its own clock.</summary>
    public long BasisLocalMs { get; set; }

    /// <summary>Lease transitions value while this collector held it (for the release acknowledgement), or -1.</summary>
    public int HeldTransitions { get; set; } = -1;

    public long LastApiContact { get; set; }

    public int Flaps { get; set; }

    public double FlapProbability { get; set; }

    public int ApiCut { get; set; }

    public int OperatorCut { get; set; }

    public int DeviceLinkCut { get; set; }

    public int Cordons { get; set; }
}
