namespace EdgeHa.Demo.Measurement;

/// <summary>Which change of the active node a measurement is about.</summary>
public enum TransitionKind
{
    /// <summary>Unplanned: the active node crashed.</summary>
    Failover,

    /// <summary>Planned: back to the primary after it returned (or was upgraded) and stayed healthy.</summary>
    Failback,

    /// <summary>Planned: to the upgraded standby during a rolling collector upgrade, while the active still runs the old template.</summary>
    Upgrade,
}
