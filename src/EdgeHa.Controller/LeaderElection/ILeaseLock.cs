namespace EdgeHa.Controller.LeaderElection;

/// <summary>
/// Where leader election meets the API: get, create and update a lease record with optimistic concurrency.
/// <see cref="KubeLeaseLock"/> stores it in a coordination.k8s.io/v1 Lease; <see cref="InMemoryLeaseLock"/> serves tests and
/// simulations.
/// </summary>
public interface ILeaseLock
{
    /// <summary>Names the lock in logs, e.g. <c>edgeha-system/edgeha-operator</c>.</summary>
    string Description { get; }

    /// <summary>The current record, or null when the lease does not exist.</summary>
    Task<LeaseSnapshot?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the lease; throws <see cref="LeaseConflictException"/> when it already exists.</summary>
    Task<LeaseSnapshot> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the record if the lease is still at <paramref name="resourceVersion"/>; throws
    /// <see cref="LeaseConflictException"/> when someone else wrote it meanwhile.
    /// </summary>
    Task<LeaseSnapshot> UpdateAsync(LeaderElectionRecord record, string resourceVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when the lease may have changed after <paramref name="resourceVersion"/> (null: whenever it is seen),
    /// so a candidate tries again at once when the leader releases instead of at its next retry; only a hint, never
    /// a grant. The default never completes before <paramref name="cancellationToken"/> is cancelled (retry period only).
    /// </summary>
    Task WaitForChangeAsync(string? resourceVersion, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
}

/// <summary>The lease was created or written by someone else first (HTTP 409).</summary>
public class LeaseConflictException : Exception
{
    public LeaseConflictException()
    {
    }

    public LeaseConflictException(string message)
        : base(message)
    {
    }

    public LeaseConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
