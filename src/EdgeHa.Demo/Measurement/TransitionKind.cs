namespace EdgeHa.Demo.Measurement;

/// <summary>Which change of the active node a measurement is about.</summary>
public enum TransitionKind
{
    /// <summary>Unplanned: the active node crashed.</summary>
    Failover,

    /// <summary>Planned: back to the primary after it returned and stayed healthy.</summary>
    Failback,
}
