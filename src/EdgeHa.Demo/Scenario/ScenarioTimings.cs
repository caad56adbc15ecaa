namespace EdgeHa.Demo.Scenario;

/// <summary>How long each phase of the script lasts and may take.</summary>
public sealed class ScenarioTimings
{
    public TimeSpan SteadyState { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan AfterFailover { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan AfterFailback { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Limit for the first placement (pods start, start-up grace, first grant).</summary>
    public TimeSpan PlacementTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Limit for a failover, beyond which the step fails (the verdict compares with the prediction).</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Limit for the fail-back beyond the pair's stabilization window.</summary>
    public TimeSpan FailbackExtraTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Limit for each half of a rolling upgrade: a pod start, readiness and the switchover or fail-back beyond stabilization.</summary>
    public TimeSpan UpgradeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan DeleteTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>How often wait conditions are checked.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the status line is redrawn.</summary>
    public TimeSpan StatusRefresh { get; init; } = TimeSpan.FromMilliseconds(250);

    public Data.VipReaderOptions Reader { get; init; } = new();
}
