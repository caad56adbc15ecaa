namespace EdgeHa.Failover;

/// <summary>Whether the pair returns to the primary node by itself.</summary>
public enum FailbackMode
{
    /// <summary>Switch back to the primary once it has been eligible for the stabilization window.</summary>
    Automatic,

    /// <summary>Never switch back by itself; only a switchover request does.</summary>
    Manual,
}
