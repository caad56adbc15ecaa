using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Fencing.Tests;

/// <summary>
/// An API server holding Leases only, with the optimistic concurrency of the real one (a stale resourceVersion is a
/// 409) and a switch that makes it unreachable, as a partition does.
/// </summary>
internal sealed class InMemoryLeaseApi : IKubernetesClient
{
    private readonly Dictionary<string, string> _leases = [];
    private readonly Lock _gate = new();
    private long _version;

    public string DefaultNamespace => "default";

    /// <summary>When true, every call fails as if the API server could not be reached.</summary>
    public bool Unreachable { get; set; }

    /// <summary>When set, every call is answered with this error (a 403, a 429, a 500: the server is up but says no).</summary>
    public Func<KubernetesApiException>? Refuse { get; set; }

    public int Writes { get; private set; }

    public int Reads { get; private set; }

    /// <summary>Runs inside every write before it is applied (a test can make a renewal slow).</summary>
    public Action? BeforeWrite { get; set; }

    public Lease Seed(string name, string? holder, long epoch = 1, long? lastSequence = null, LeaseTerms? terms = null)
    {
        var lease = new Lease { Metadata = new ObjectMeta { Name = name, Namespace = "default", Annotations = new Dictionary<string, string>() } };
        lease.Spec = new LeaseSpec { HolderIdentity = holder };
        (terms ?? LeaseTerms.Default).WriteTo(lease);
        lease.Metadata.Annotations![FencingAnnotations.Epoch] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (lastSequence is long s)
        {
            lease.Metadata.Annotations[FencingAnnotations.LastPublishedSequence] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        lock (_gate)
        {
            Store(lease);
            return Read(name);
        }
    }

    public Lease Read(string name)
    {
        lock (_gate)
        {
            return JsonSerializer.Deserialize<Lease>(_leases[name], KubeJson.Options)!;
        }
    }

    /// <summary>The operator's side: edit the stored Lease (bumps its resourceVersion).</summary>
    public void Edit(string name, Action<Lease> edit)
    {
        lock (_gate)
        {
            var lease = Read(name);
            edit(lease);
            Store(lease);
        }
    }

    public Task<T> GetAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ThrowIfUnreachable();
        lock (_gate)
        {
            Reads++;
            if (!_leases.TryGetValue(name, out var json))
            {
                throw new NotFoundException(new Status { Code = 404, Reason = "NotFound", Message = $"leases \"{name}\" not found" });
            }

            return Task.FromResult(JsonSerializer.Deserialize<T>(json, KubeJson.Options)!);
        }
    }

    public Task<T> ReplaceAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ThrowIfUnreachable();
        BeforeWrite?.Invoke();
        var name = obj.Metadata.Name!;
        lock (_gate)
        {
            var stored = Read(name);
            if (stored.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
            {
                throw new ConflictException(new Status { Code = 409, Reason = "Conflict", Message = "the object has been modified" });
            }

            Writes++;
            Store((Lease)(object)obj);
            return Task.FromResult((T)(object)Read(name));
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceType type, string? @namespace, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    private void Store(Lease lease)
    {
        // Callers hold _gate (Lock is re-entrant).
        lease.Metadata.ResourceVersion = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _leases[lease.Metadata.Name!] = JsonSerializer.Serialize(lease, KubeJson.Options);
    }

    private void ThrowIfUnreachable()
    {
        if (Unreachable)
        {
            throw new HttpRequestException("connection refused");
        }

        if (Refuse is { } refuse)
        {
            throw refuse();
        }
    }

    public Task<KubernetesList<T>> ListAsync<T>(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => throw new NotSupportedException();

    public Task<T> CreateAsync<T>(ResourceType type, T obj, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => throw new NotSupportedException();

    public Task<T> PatchAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken = default)
        where T : KubernetesObject => throw new NotSupportedException();

    public Task<T> ReplaceStatusAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject => throw new NotSupportedException();

    public Task<T> PatchStatusAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken = default)
        where T : KubernetesObject => throw new NotSupportedException();

    public Task<T?> DeleteAsync<T>(ResourceType type, string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => throw new NotSupportedException();
}
