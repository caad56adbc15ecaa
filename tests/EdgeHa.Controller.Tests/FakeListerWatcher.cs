using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EdgeHa.Controller.Informers;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Tests;

/// <summary>An in-memory lister-watcher: lists return <see cref="Items"/>; each watch call becomes a <see cref="WatchSession"/> the test drives.</summary>
internal sealed class FakeListerWatcher : IListerWatcher<KubernetesObject>
{
    private int _listCalls;

    public Func<ListResult<KubernetesObject>> Items { get; set; } = () => new ListResult<KubernetesObject>([], "1");

    public ConcurrentQueue<Exception> ListErrors { get; } = new();

    public Channel<WatchSession> Sessions { get; } = Channel.CreateUnbounded<WatchSession>();

    public int ListCalls => Volatile.Read(ref _listCalls);

    public Task<ListResult<KubernetesObject>> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listCalls);
        return ListErrors.TryDequeue(out var error) ? Task.FromException<ListResult<KubernetesObject>>(error) : Task.FromResult(Items());
    }

    public async IAsyncEnumerable<WatchEvent<KubernetesObject>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var session = new WatchSession(resourceVersion);
        await Sessions.Writer.WriteAsync(session, cancellationToken);
        await foreach (var item in session.Items.Reader.ReadAllAsync(cancellationToken))
        {
            if (item is Exception ex)
            {
                throw ex;
            }

            yield return (WatchEvent<KubernetesObject>)item;
        }
    }

    public async Task<WatchSession> NextSessionAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Sessions.Reader.ReadAsync(cts.Token);
    }

    public static KubernetesObject Obj(string name, string rv, string ns = "default", string? label = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = ns,
            ResourceVersion = rv,
            Labels = label is null ? null : new Dictionary<string, string> { ["app"] = label },
        },
    };
}

/// <summary>One watch call: the resourceVersion it started from, and a channel of events or an exception to throw.</summary>
internal sealed class WatchSession(string resourceVersion)
{
    public string ResourceVersion { get; } = resourceVersion;

    public Channel<object> Items { get; } = Channel.CreateUnbounded<object>();

    public void Send(WatchEventType type, KubernetesObject obj) => Items.Writer.TryWrite(new WatchEvent<KubernetesObject>(type, obj));

    public void Fail(Exception ex) => Items.Writer.TryWrite(ex);

    public void Close() => Items.Writer.TryComplete();
}

/// <summary>Records handler calls as strings: <c>add:key@rv</c>, <c>update:key@oldRv-&gt;newRv</c>, <c>delete:key@rv</c>.</summary>
internal sealed class RecordingHandler : IResourceEventHandler<KubernetesObject>
{
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public int InitialAdds { get; private set; }

    public void OnAdd(KubernetesObject obj, bool isInInitialList)
    {
        if (isInInitialList)
        {
            InitialAdds++;
        }

        Record($"add:{ObjectKey.Of(obj)}@{obj.Metadata.ResourceVersion}");
    }

    public void OnUpdate(KubernetesObject oldObj, KubernetesObject newObj) =>
        Record($"update:{ObjectKey.Of(newObj)}@{oldObj.Metadata.ResourceVersion}->{newObj.Metadata.ResourceVersion}");

    public void OnDelete(KubernetesObject obj) => Record($"delete:{ObjectKey.Of(obj)}@{obj.Metadata.ResourceVersion}");

    private void Record(string call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }
    }
}

internal static class Wait
{
    /// <summary>Polls until the condition holds; fails the test after 30 s.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(2);
        }
    }
}
