using System.Globalization;

namespace EdgeHa.Controller.LeaderElection;

/// <summary>
/// A lease lock held in memory with the API server's resourceVersion semantics; several electors sharing one
/// instance compete as replicas would. For tests and simulations.
/// </summary>
public sealed class InMemoryLeaseLock(string description = "in-memory") : ILeaseLock
{
    private readonly Lock _gate = new();
    private LeaseSnapshot? _current;
    private long _version;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Description { get; } = description;

    /// <summary>The stored record (null before the first create).</summary>
    public LeaderElectionRecord? Record
    {
        get
        {
            lock (_gate)
            {
                return _current?.Record;
            }
        }
    }

    public Task<LeaseSnapshot?> GetAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_current);
        }
    }

    public Task<LeaseSnapshot> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_current is not null)
            {
                throw new LeaseConflictException($"Lease {Description} already exists.");
            }

            _current = new LeaseSnapshot(record, NextVersion());
            return Task.FromResult(_current);
        }
    }

    public Task<LeaseSnapshot> UpdateAsync(LeaderElectionRecord record, string resourceVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_current is null)
            {
                throw new InvalidOperationException($"Lease {Description} does not exist.");
            }

            if (_current.ResourceVersion != resourceVersion)
            {
                throw new LeaseConflictException(
                    $"Lease {Description} is at resourceVersion {_current.ResourceVersion}, not {resourceVersion}.");
            }

            _current = new LeaseSnapshot(record, NextVersion());
            return Task.FromResult(_current);
        }
    }

    public async Task WaitForChangeAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            if (_current is not null && _current.ResourceVersion != resourceVersion)
            {
                return;
            }

            changed = _changed.Task;
        }

        await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private string NextVersion()
    {
        // Called under the gate by every write: wakes the waiters, then arms the next change.
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (++_version).ToString(CultureInfo.InvariantCulture);
    }
}
