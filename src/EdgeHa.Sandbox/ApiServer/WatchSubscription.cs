using System.Threading.Channels;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>One open watch: the store pushes events into <see cref="Events"/>; a fault can drop it.</summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly CancellationTokenSource _dropped = new();

    public WatchSubscription(string storageKey, Action<WatchSubscription> unsubscribe)
    {
        StorageKey = storageKey;
        _unsubscribe = unsubscribe;
    }

    public string StorageKey { get; }

    public Channel<StoredEvent> Events { get; } = Channel.CreateUnbounded<StoredEvent>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Cancelled when fault injection drops open watches.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public void Drop() => _dropped.Cancel();

    public void Dispose()
    {
        _unsubscribe(this);
        _dropped.Dispose();
    }
}
