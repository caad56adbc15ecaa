using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// The API server as the fencing protocol depends on it, in virtual time: one pair Lease with resourceVersion
/// compare-and-swap (a stale write is a 409), create and delete, and per-caller connections that can be cut (calls
/// hang until the caller's own timeout), slowed (a request is applied half-way through its latency and answered at
/// the end, so a timed-out write may still have happened) or refused (401/403/429/500).
/// </summary>
internal sealed class LeaseApiServer(FakeTimeProvider time)
{
    public const string Namespace = "line";
    public const string Name = "pair-active";

    private readonly PriorityQueue<Action, (DateTimeOffset Due, long Order)> _pending = new();
    private Lease? _lease;
    private long _version;
    private long _order;

    /// <summary>Runs every request step that is due by now, in order.</summary>
    public void Pump()
    {
        while (_pending.TryPeek(out _, out var due) && due.Due <= time.GetUtcNow())
        {
            _pending.Dequeue()();
        }
    }

    public void After(TimeSpan delay, Action step) => _pending.Enqueue(step, (time.GetUtcNow() + delay, _order++));

    /// <summary>The stored Lease (a copy), or null.</summary>
    public Lease? Peek() => _lease is null ? null : LeaseCopy.Of(_lease);

    public Lease Get() => Peek() ?? throw NotFound();

    public Lease Create(Lease lease)
    {
        if (_lease is not null)
        {
            throw new AlreadyExistsException(new Status { Code = 409, Reason = "AlreadyExists" });
        }

        return Store(lease);
    }

    public Lease Replace(Lease lease)
    {
        var stored = Get();
        if (stored.Metadata.ResourceVersion != lease.Metadata.ResourceVersion)
        {
            throw new ConflictException(new Status { Code = 409, Reason = "Conflict", Message = "the object has been modified" });
        }

        return Store(lease);
    }

    /// <summary>A merge of annotations and nothing else (the operator's handover request and terms: no compare-and-swap).</summary>
    public Lease Annotate(IReadOnlyDictionary<string, string?> annotations, int? leaseDurationSeconds = null)
    {
        var lease = Get();
        var target = lease.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (key, value) in annotations)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else
            {
                target[key] = value;
            }
        }

        if (leaseDurationSeconds is int seconds)
        {
            (lease.Spec ??= new LeaseSpec()).LeaseDurationSeconds = seconds;
        }

        return Store(lease);
    }

    /// <summary>A third party's edit (kubectl): applied as it is, with a new resourceVersion.</summary>
    public void Edit(Action<Lease> edit)
    {
        if (Peek() is { } lease)
        {
            edit(lease);
            Store(lease);
        }
    }

    public void Delete() => _lease = null;

    private Lease Store(Lease lease)
    {
        lease.Metadata.Name = Name;
        lease.Metadata.Namespace = Namespace;
        lease.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
        _lease = LeaseCopy.Of(lease);
        return LeaseCopy.Of(_lease);
    }

    private static NotFoundException NotFound() => new(new Status { Code = 404, Reason = "NotFound", Message = $"leases \"{Name}\" not found" });
}

/// <summary>One caller's connection to the <see cref="LeaseApiServer"/>, with its own faults.</summary>
internal sealed class LeaseApiConnection(LeaseApiServer server) : IKubernetesClient
{
    /// <summary>Cut from the API server: calls hang until the caller gives up.</summary>
    public bool Cut { get; set; }

    /// <summary>Answered with this status code instead of being served.</summary>
    public int? Refuse { get; set; }

    /// <summary>Round-trip time of a call.</summary>
    public TimeSpan Latency { get; set; }

    public string DefaultNamespace => LeaseApiServer.Namespace;

    public Task<T> GetAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject => Call(() => (T)(object)server.Get(), cancellationToken);

    public Task<T> ReplaceAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        var copy = LeaseCopy.Of((Lease)(object)obj);
        return Call(() => (T)(object)server.Replace(LeaseCopy.Of(copy)), cancellationToken);
    }

    public Task<T> CreateAsync<T>(ResourceType type, T obj, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        var copy = LeaseCopy.Of((Lease)(object)obj);
        return Call(() => (T)(object)server.Create(LeaseCopy.Of(copy)), cancellationToken);
    }

    public Task<Lease> AnnotateAsync(IReadOnlyDictionary<string, string?> annotations, int? leaseDurationSeconds, CancellationToken cancellationToken) =>
        Call(() => server.Annotate(annotations, leaseDurationSeconds), cancellationToken);

    /// <summary>
    /// Sends a call: it is applied half-way through the latency and answered at its end, unless the connection is
    /// cut meanwhile (then it hangs) or the caller cancels (a timeout; the write may have been applied all the same).
    /// Continuations run inline, so the whole world steps on one thread, deterministically.
    /// </summary>
    private Task<T> Call<T>(Func<T> serve, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<T>();
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
            answer.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (Cut)
        {
            return answer.Task;
        }

        var half = Latency / 2;
        server.After(half, () =>
        {
            if (Cut || answer.Task.IsCompleted)
            {
                return;
            }

            Func<Task<T>> reply;
            if (Refuse is int code)
            {
                var status = new Status { Code = code, Reason = "Refused" };
                reply = () => Task.FromException<T>(code == 403 ? new ForbiddenException(status) : new KubernetesApiException(status));
            }
            else
            {
                try
                {
                    var result = serve();
                    reply = () => Task.FromResult(result);
                }
                catch (Exception e)
                {
                    reply = () => Task.FromException<T>(e);
                }
            }

            server.After(Latency - half, () =>
            {
                if (Cut)
                {
                    return;
                }

                var r = reply();
                if (r.IsCompletedSuccessfully)
                {
                    answer.TrySetResult(r.Result);
                }
                else
                {
                    answer.TrySetException(r.Exception!.InnerExceptions);
                }
            });
        });
        return answer.Task;
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceType type, string? @namespace, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        // The holders are stepped directly; their renew loop keeps them correct without the watch.
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public Task<KubernetesList<T>> ListAsync<T>(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
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
