namespace EdgeHa.Failover;

/// <summary>The role the engine wants a node's collector to have.</summary>
public enum NodeRole
{
    /// <summary>The collector may act (once it holds the pair Lease).</summary>
    Active,

    /// <summary>Hot standby: runs, polls, does not act.</summary>
    Standby,

    /// <summary>Cold standby: the Deployment on this node is scaled to 0.</summary>
    Stopped,
}
