using System.Threading.Channels;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>Runs a watch in the background and hands its events (and its end) to the test with bounded waits.</summary>
public sealed class WatchCollector<T> : IAsyncDisposable
    where T : KubernetesObject
{
    private readonly Channel<WatchEvent<T>> _events = Channel.CreateUnbounded<WatchEvent<T>>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public WatchCollector(IAsyncEnumerable<WatchEvent<T>> watch) => _pump = PumpAsync(watch);

    public CancellationToken Token => _stop.Token;

    /// <summary>The next event that is not a bookmark (or the next of any kind); fails after <paramref name="timeout"/>.</summary>
    public async Task<WatchEvent<T>> NextAsync(bool skipBookmarks = true, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        while (true)
        {
            WatchEvent<T> ev;
            try
            {
                ev = await _events.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no watch event arrived in time");
            }
            catch (ChannelClosedException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }

            if (!skipBookmarks || ev.Type != WatchEventType.Bookmark)
            {
                return ev;
            }
        }
    }

    /// <summary>Waits for the watch to end by itself; returns its exception, or null for a clean end.</summary>
    public async Task<Exception?> CompletionAsync(TimeSpan? timeout = null)
    {
        try
        {
            await _pump.WaitAsync(timeout ?? Eventually.DefaultTimeout);
            return null;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("the watch did not end in time");
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Events already received, without waiting.</summary>
    public List<WatchEvent<T>> Drain()
    {
        var list = new List<WatchEvent<T>>();
        while (_events.Reader.TryRead(out var ev))
        {
            list.Add(ev);
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Cancellation or the watch's own failure, already observed by the test when it mattered.
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(IAsyncEnumerable<WatchEvent<T>> watch)
    {
        await Task.Yield();
        try
        {
            await foreach (var ev in watch.WithCancellation(_stop.Token))
            {
                await _events.Writer.WriteAsync(ev);
            }

            _events.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _events.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _events.Writer.TryComplete(ex);
            throw;
        }
    }
}
