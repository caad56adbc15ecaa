namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The operator leader: its clock, probe trackers and the engine's last decision.</summary>
internal sealed class SimOperator(long clockOffsetMs)
{
    /// <summary>The leader's clock minus true time; a new leader runs on another replica with its own clock.</summary>
    public long ClockOffsetMs { get; set; } = clockOffsetMs;

    public bool Up { get; set; } = true;

    public int Restarts { get; set; }

    public int Incarnation { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public HealthTracker[] Trackers { get; set; } = [];

    public (DeviceReachability Value, DateTimeOffset? Since)[] Device { get; } = new (DeviceReachability, DateTimeOffset?)[2];

    public bool WriteInFlight { get; set; }

    public bool EvalScheduled { get; set; }

    public Decision? Last { get; set; }

    public long LastDecisionAt { get; set; }
}
