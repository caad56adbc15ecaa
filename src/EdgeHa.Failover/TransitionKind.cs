namespace EdgeHa.Failover;

/// <summary>Why the active node changed.</summary>
public enum TransitionKind
{
    /// <summary>The first promotion of a pair.</summary>
    Initial,

    /// <summary>Unplanned: the active side failed.</summary>
    Failover,

    /// <summary>Planned: a switchover request or the active node being cordoned.</summary>
    Switchover,

    /// <summary>Planned: automatic return to the primary after the stabilization window.</summary>
    Failback,
}
