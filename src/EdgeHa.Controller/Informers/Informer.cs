using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Controller.Informers;

/// <summary>
/// Keeps a local cache of a collection in step with the API server and notifies handlers (client-go's reflector +
/// informer in one): list, then watch from the list's resourceVersion; after a clean close re-watch from the last
/// resourceVersion seen; on 410 Gone relist and deliver deletes for objects that vanished meanwhile; back off
/// exponentially on errors; optionally resync (re-deliver every cached object as an update) periodically.
/// Handlers are called serially, never concurrently.
/// </summary>
public sealed class Informer<T>
    where T : KubernetesObject
{
    private readonly IListerWatcher<T> _listerWatcher;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _dispatchGate = new();
    private readonly List<IResourceEventHandler<T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _lastResourceVersion;
    private int _running;

    public Informer(IListerWatcher<T> listerWatcher, InformerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(listerWatcher);
        _listerWatcher = listerWatcher;
        _options = options ?? new InformerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.InitialBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBackoff, _options.InitialBackoff);
        _time = _options.TimeProvider;
        _logger = _options.Logger ?? NullLogger.Instance;
    }

    /// <summary>The local cache.</summary>
    public Store<T> Store { get; } = new();

    /// <summary>True once the first list has been stored and delivered.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion of the last list or event applied.</summary>
    public string? LastSyncResourceVersion => _lastResourceVersion;

    /// <summary>
    /// Adds a handler. A handler added after the first sync first receives every cached object as an add, as
    /// client-go's shared informer does.
    /// </summary>
    public void AddEventHandler(IResourceEventHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatchGate)
        {
            _handlers.Add(handler);
            if (HasSynced)
            {
                foreach (var item in Store.List())
                {
                    Invoke(handler, h => h.OnAdd(item, false));
                }
            }
        }
    }

    /// <summary>Waits until the first list was delivered; false if cancelled first.</summary>
    public async Task<bool> WaitForCacheSyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _synced.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Runs list-and-watch until cancelled. Errors are logged and retried, never thrown.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The informer is already running.");
        }

        ITimer? resync = null;
        if (_options.ResyncPeriod > TimeSpan.Zero)
        {
            resync = _time.CreateTimer(_ => Resync(), null, _options.ResyncPeriod, _options.ResyncPeriod);
        }

        try
        {
            await ListAndWatchLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal stop.
        }
        finally
        {
            resync?.Dispose();
            Interlocked.Exchange(ref _running, 0);
        }
    }

    private async Task ListAndWatchLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            ListResult<T> list;
            try
            {
                list = await _listerWatcher.ListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures++;
                Log.ListFailed(_logger, _options.Name, failures, ex);
                await DelayAsync(Backoff(failures), cancellationToken).ConfigureAwait(false);
                continue;
            }

            Replace(list.Items);
            var resourceVersion = list.ResourceVersion;
            _lastResourceVersion = resourceVersion;
            _synced.TrySetResult();
            Log.Listed(_logger, _options.Name, list.Items.Count, resourceVersion);

            // Gone right after a relist means the server cannot keep up; back off before the next relist.
            var relistDelay = failures > 0 ? Backoff(failures) : TimeSpan.Zero;
            failures = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var started = _time.GetTimestamp();
                var events = 0;
                try
                {
                    await foreach (var ev in _listerWatcher.WatchAsync(resourceVersion, cancellationToken).ConfigureAwait(false))
                    {
                        Apply(ev);
                        events++;
                        failures = 0;
                        relistDelay = TimeSpan.Zero;
                        resourceVersion = ev.ResourceVersion is { Length: > 0 } rv ? rv : resourceVersion;
                        _lastResourceVersion = resourceVersion;
                    }

                    if (events == 0 && _time.GetElapsedTime(started) < _options.MinWatchDuration)
                    {
                        failures++;
                        await DelayAsync(Backoff(failures), cancellationToken).ConfigureAwait(false);
                    }

                    Log.WatchClosed(_logger, _options.Name, resourceVersion);
                }
                catch (GoneException)
                {
                    Log.WatchExpired(_logger, _options.Name, resourceVersion);
                    failures = relistDelay > TimeSpan.Zero ? failures + 1 : 1;
                    await DelayAsync(relistDelay, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    Log.WatchFailed(_logger, _options.Name, resourceVersion, failures, ex);
                    await DelayAsync(Backoff(failures), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var ticks = _options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return ticks >= _options.MaxBackoff.Ticks ? _options.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, _time, cancellationToken) : Task.CompletedTask;

    private void Replace(IReadOnlyList<T> items)
    {
        lock (_dispatchGate)
        {
            var initial = !HasSynced;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (!TryKey(item, out var key))
                {
                    continue;
                }

                seen.Add(key);
                var old = Store.Upsert(item);
                Dispatch(h =>
                {
                    if (old is null)
                    {
                        h.OnAdd(item, initial);
                    }
                    else
                    {
                        h.OnUpdate(old, item);
                    }
                });
            }

            foreach (var key in Store.ListKeys())
            {
                if (!seen.Contains(key) && Store.Delete(key) is { } gone)
                {
                    // Deleted while we were not watching: the last known state is all we have.
                    Dispatch(h => h.OnDelete(gone));
                }
            }
        }
    }

    private void Apply(WatchEvent<T> ev)
    {
        if (ev.Type is WatchEventType.Bookmark or WatchEventType.Error || ev.Object is null || !TryKey(ev.Object, out var key))
        {
            return;
        }

        lock (_dispatchGate)
        {
            if (ev.Type == WatchEventType.Deleted)
            {
                var old = Store.Delete(key);
                Dispatch(h => h.OnDelete(old ?? ev.Object));
                return;
            }

            var previous = Store.Upsert(ev.Object);
            Dispatch(h =>
            {
                if (previous is null)
                {
                    h.OnAdd(ev.Object, false);
                }
                else
                {
                    h.OnUpdate(previous, ev.Object);
                }
            });
        }
    }

    private void Resync()
    {
        if (!HasSynced)
        {
            return;
        }

        lock (_dispatchGate)
        {
            foreach (var item in Store.List())
            {
                Dispatch(h => h.OnUpdate(item, item));
            }
        }
    }

    private bool TryKey(T obj, out string key)
    {
        if (string.IsNullOrEmpty(obj.Metadata?.Name))
        {
            Log.ObjectWithoutName(_logger, _options.Name);
            key = "";
            return false;
        }

        key = ObjectKey.Of(obj);
        return true;
    }

    private void Dispatch(Action<IResourceEventHandler<T>> action)
    {
        foreach (var handler in _handlers)
        {
            Invoke(handler, action);
        }
    }

    private void Invoke(IResourceEventHandler<T> handler, Action<IResourceEventHandler<T>> action)
    {
        try
        {
            action(handler);
        }
        catch (Exception ex)
        {
            // One faulty handler must not stop the informer or starve the others.
            Log.HandlerFailed(_logger, _options.Name, ex);
        }
    }
}
