namespace EdgeHa.Failover;

/// <summary>The summary phase of a pair, as status shows it.</summary>
public enum PairPhase
{
    /// <summary>No active node yet (start-up grace, or no node eligible for the first promotion).</summary>
    Pending,

    /// <summary>The desired active node holds the Lease.</summary>
    Active,

    /// <summary>A promotion is decided and the Lease is on its way to the new active node (fencing).</summary>
    FailingOver,

    /// <summary>The active side is failed and no standby is eligible, or the device is unreachable from both sides.</summary>
    Degraded,

    /// <summary>The spec asks for no automatic action.</summary>
    Paused,

    /// <summary>The policy is invalid; nothing is done.</summary>
    Invalid,
}
