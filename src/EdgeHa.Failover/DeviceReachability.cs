namespace EdgeHa.Failover;

/// <summary>The end-to-end device check as seen from one side.</summary>
public enum DeviceReachability
{
    /// <summary>No check result (no simulator/data check configured, or no answer yet).</summary>
    Unknown,

    /// <summary>The side reads fresh data from the device.</summary>
    Reachable,

    /// <summary>The side's data from the device is stale or the device does not answer it.</summary>
    Unreachable,
}
