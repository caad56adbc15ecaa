namespace EdgeHa.Controller.LeaderElection;

/// <summary>
/// What a lease lock stores (client-go's LeaderElectionRecord, kept in a coordination.k8s.io/v1 Lease's spec).
/// An empty <see cref="HolderIdentity"/> means the lease was released.
/// </summary>
public sealed record LeaderElectionRecord
{
    /// <summary>spec.holderIdentity; empty when nobody holds the lease.</summary>
    public string HolderIdentity { get; init; } = "";

    /// <summary>spec.leaseDurationSeconds: how long others must wait after the last renewal they observed.</summary>
    public TimeSpan LeaseDuration { get; init; }

    /// <summary>spec.acquireTime.</summary>
    public DateTimeOffset? AcquireTime { get; init; }

    /// <summary>spec.renewTime.</summary>
    public DateTimeOffset? RenewTime { get; init; }

    /// <summary>spec.leaseTransitions: how many times the holder changed.</summary>
    public int LeaderTransitions { get; init; }
}

/// <summary>A record as read from (or written to) the lock, with the resourceVersion an update must present.</summary>
/// <param name="Record">The record.</param>
/// <param name="ResourceVersion">The opaque version for optimistic concurrency.</param>
public sealed record LeaseSnapshot(LeaderElectionRecord Record, string ResourceVersion);
