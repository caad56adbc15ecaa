using System.Threading.Channels;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>A coalescing wake-up: any number of <see cref="Set"/> calls wake one pending <see cref="WaitAsync"/> once.</summary>
internal sealed class Signal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a <see cref="Set"/> or until <paramref name="timeout"/>; returns false on timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, cts.Token);
        var read = _channel.Reader.WaitToReadAsync(cts.Token).AsTask();
        var first = await Task.WhenAny(delay, read);
        await cts.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == read && _channel.Reader.TryRead(out _);
    }
}
