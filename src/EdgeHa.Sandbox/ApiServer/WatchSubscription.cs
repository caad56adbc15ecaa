using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>One open watch: the store pushes events into <see cref="Events"/>; a fault can drop it.</summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly CancellationTokenSource _dropped = new();

    public WatchSubscription(string storageKey, WatchScope scope, Action<WatchSubscription> unsubscribe)
    {
        StorageKey = storageKey;
        Scope = scope;
        _unsubscribe = unsubscribe;
    }

    public string StorageKey { get; }

    /// <summary>The namespace and name the watch is confined to, so that the store sends it only their events.</summary>
    public WatchScope Scope { get; }

    /// <summary>
    /// Events not yet sent, at most <see cref="Capacity"/>: a watcher that falls that far behind is closed, as
    /// kube-apiserver closes an unresponsive watcher, and re-lists; unbounded, one slow client grew the server's
    /// memory until it ran out (the 1,000-pair benchmark).
    /// </summary>
    public Channel<StoredEvent> Events { get; } = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public const int Capacity = 10_000;

    /// <summary>Queues an event; a full queue closes the watch instead.</summary>
    public void Deliver(StoredEvent e)
    {
        if (!Events.Writer.TryWrite(e))
        {
            Drop();
        }
    }

    /// <summary>Cancelled when fault injection drops open watches, or when this one fell too far behind.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public void Drop() => _dropped.Cancel();

    public void Dispose()
    {
        _unsubscribe(this);
        _dropped.Dispose();
    }
}

/// <summary>
/// What a watch can ever match, as far as the store indexes it: one namespace (null: all) and one name (null: all,
/// from a <c>metadata.name=</c> field selector). A Lease holder's watch of its own Lease then costs nothing when another
/// pair's Lease is renewed; the finer selectors (labels, other fields) are still applied by the watch itself.
/// </summary>
internal readonly record struct WatchScope(string? Namespace, string? Name)
{
    public static WatchScope All => default;

    /// <summary>Whether an object (of the watched kind) is in this scope.</summary>
    public bool Includes(JsonObject obj) =>
        (Namespace is null || ObjectStore.Namespace(obj) == Namespace) && (Name is null || ObjectStore.Name(obj) == Name);
}
