using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.LeaderElection;

/// <summary>
/// A lease lock in a coordination.k8s.io/v1 Lease, through the EdgeHa.Kube client. Updates are PUTs carrying the
/// resourceVersion last read, so a concurrent writer makes them fail with 409 (mapped to
/// <see cref="LeaseConflictException"/>). Fields of the Lease this lock does not own (labels, annotations, unknown
/// spec fields) are kept. leaseDurationSeconds is whole seconds on the wire: durations are rounded up, minimum 1 s.
/// </summary>
public sealed class KubeLeaseLock : ILeaseLock
{
    private readonly IKubernetesClient _client;
    private readonly string _namespace;
    private readonly string _name;
    private readonly Lock _gate = new();
    private Lease? _last;

    public KubeLeaseLock(IKubernetesClient client, string @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _client = client;
        _namespace = @namespace;
        _name = name;
    }

    public string Description => $"{_namespace}/{_name}";

    public async Task<LeaseSnapshot?> GetAsync(CancellationToken cancellationToken)
    {
        Lease lease;
        try
        {
            lease = await _client.GetAsync<Lease>(ResourceType.Of<Lease>(), _namespace, _name, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }

        return Remember(lease);
    }

    public async Task WaitForChangeAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        var options = new WatchOptions { FieldSelector = $"metadata.name={_name}", ResourceVersion = resourceVersion, AllowWatchBookmarks = false, Reconnect = false, TimeoutSeconds = 60 };
        try
        {
            await foreach (var change in _client.WatchAsync<Lease>(ResourceType.Of<Lease>(), _namespace, options, cancellationToken).ConfigureAwait(false))
            {
                if (change.Type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // A watch that cannot run (403, 410, a dropped stream) must not turn into a busy loop: fall back to the retry period.
        }

        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LeaseSnapshot> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var lease = new Lease
        {
            Metadata = new ObjectMeta { Name = _name, Namespace = _namespace },
            Spec = ToSpec(record, null),
        };
        try
        {
            return Remember(await _client.CreateAsync(ResourceType.Of<Lease>(), lease, _namespace, cancellationToken).ConfigureAwait(false));
        }
        catch (AlreadyExistsException ex)
        {
            throw new LeaseConflictException($"Lease {Description} already exists.", ex);
        }
    }

    public async Task<LeaseSnapshot> UpdateAsync(LeaderElectionRecord record, string resourceVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        Lease? last;
        lock (_gate)
        {
            last = _last;
        }

        var lease = new Lease
        {
            ApiVersion = last?.ApiVersion ?? "coordination.k8s.io/v1",
            Kind = last?.Kind ?? "Lease",
            Metadata = last?.Metadata ?? new ObjectMeta { Name = _name, Namespace = _namespace },
            Spec = ToSpec(record, last?.Spec),
            Extra = last?.Extra,
        };
        lease.Metadata.ResourceVersion = resourceVersion;
        try
        {
            return Remember(await _client.ReplaceAsync(ResourceType.Of<Lease>(), lease, cancellationToken).ConfigureAwait(false));
        }
        catch (ConflictException ex)
        {
            throw new LeaseConflictException($"Lease {Description} changed since resourceVersion {resourceVersion}.", ex);
        }
    }

    internal static LeaseSpec ToSpec(LeaderElectionRecord record, LeaseSpec? previous) => new()
    {
        HolderIdentity = record.HolderIdentity,
        LeaseDurationSeconds = Math.Max(1, (int)Math.Ceiling(record.LeaseDuration.TotalSeconds)),
        AcquireTime = record.AcquireTime,
        RenewTime = record.RenewTime,
        LeaseTransitions = record.LeaderTransitions,
        Extra = previous?.Extra,
    };

    internal static LeaderElectionRecord ToRecord(LeaseSpec? spec) => new()
    {
        HolderIdentity = spec?.HolderIdentity ?? "",
        LeaseDuration = TimeSpan.FromSeconds(spec?.LeaseDurationSeconds ?? 0),
        AcquireTime = spec?.AcquireTime,
        RenewTime = spec?.RenewTime,
        LeaderTransitions = spec?.LeaseTransitions ?? 0,
    };

    private LeaseSnapshot Remember(Lease lease)
    {
        lock (_gate)
        {
            _last = lease;
        }

        return new LeaseSnapshot(ToRecord(lease.Spec), lease.Metadata.ResourceVersion ?? "");
    }
}
