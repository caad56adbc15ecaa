using System.Diagnostics;
using EdgeHa.Controller.Metrics;

namespace EdgeHa.Controller.Queues;

/// <summary>
/// A rate-limiting work queue with client-go semantics.
/// <list type="bullet">
/// <item>A dirty set and a processing set: an item is queued at most once, and is never handed to two workers at
/// once. An <see cref="Add"/> while the item is being processed marks it dirty; <see cref="Done"/> re-queues it.</item>
/// <item><see cref="AddAfter"/> delays an item (a later, earlier request wins); <see cref="AddRateLimited"/> delays it by
/// the rate limiter; <see cref="Forget"/> clears its failure history.</item>
/// <item><see cref="ShutDown"/> stops accepting adds; workers still receive the items already queued, then
/// <see cref="GetAsync"/> reports shutdown. <see cref="ShutDownWithDrainAsync"/> also waits for in-flight items.</item>
/// </list>
/// Metrics <c>workqueue_*</c> carry the tags <c>name</c> and <c>controller</c>, both the queue name (controller-runtime names
/// a controller's queue after it and sets both, so its dashboards select by either).
/// </summary>
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private readonly Dictionary<T, DelayedItem> _waiting = [];
    private readonly Dictionary<T, long> _addTimes = [];
    private readonly Dictionary<T, long> _processingStarts = [];
    private readonly IRateLimiter<T> _rateLimiter;
    private readonly TimeProvider _time;
    private readonly ControllerMetrics _metrics;
    private readonly TagList _tags;
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;

    public WorkQueue(string name, IRateLimiter<T>? rateLimiter = null, TimeProvider? timeProvider = null, ControllerMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _time = timeProvider ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? RateLimiters.DefaultController<T>(_time);
        _metrics = metrics ?? ControllerMetrics.Default;
        _tags = new TagList { { "name", name }, { "controller", name } };
        _metrics.RegisterQueue(this, ProcessingTimes);
    }

    /// <summary>The queue's name, the <c>name</c> tag of its metrics.</summary>
    public string Name { get; }

    /// <summary>Items waiting to be handed out (not counting delayed or in-flight items).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items handed out and not yet <see cref="Done"/>.</summary>
    public int ProcessingCount
    {
        get
        {
            lock (_gate)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Items waiting for their <see cref="AddAfter"/> delay.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues an item unless it is already queued; if it is in flight it is re-queued when done.</summary>
    public void Add(T item)
    {
        lock (_gate)
        {
            AddLocked(item);
        }
    }

    /// <summary>Queues an item once <paramref name="delay"/> has passed. If it is already waiting, the earlier time wins.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            if (delay <= TimeSpan.Zero)
            {
                AddLocked(item);
                return;
            }

            var due = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
            if (_waiting.TryGetValue(item, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var entry = new DelayedItem(due);
            _waiting[item] = entry;
            entry.Timer = _time.CreateTimer(_ => OnDelayElapsed(item, entry), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Queues an item after the rate limiter's delay for it, counting a retry.</summary>
    public void AddRateLimited(T item)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }
        }

        _metrics.QueueRetries.Add(1, _tags);
        AddAfter(item, _rateLimiter.When(item));
    }

    /// <summary>Clears the item's failure history in the rate limiter. It does not remove the item from the queue.</summary>
    public void Forget(T item) => _rateLimiter.Forget(item);

    /// <summary>How many times the item was rate-limited since it was last forgotten.</summary>
    public int NumRequeues(T item) => _rateLimiter.NumRequeues(item);

    /// <summary>
    /// Waits for the next item and marks it as processing; the caller must call <see cref="Done"/> with it.
    /// Returns <c>Shutdown = true</c> once the queue is shut down and empty.
    /// </summary>
    public async ValueTask<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            LinkedListNode<TaskCompletionSource> node;
            lock (_gate)
            {
                if (_queue.Count > 0)
                {
                    var item = _queue.Dequeue();
                    _processing.Add(item);
                    _dirty.Remove(item);
                    var now = _time.GetTimestamp();
                    _metrics.QueueDepth.Add(-1, _tags);
                    if (_addTimes.Remove(item, out var added))
                    {
                        _metrics.QueueDuration.Record(_time.GetElapsedTime(added, now).TotalSeconds, _tags);
                    }

                    _processingStarts[item] = now;
                    return (item, false);
                }

                if (_shuttingDown)
                {
                    return (default!, true);
                }

                node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            try
            {
                await node.Value.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    if (node.List is not null)
                    {
                        _waiters.Remove(node);
                    }
                    else
                    {
                        // We were signalled and are leaving: pass the wake-up on so the item is not stranded.
                        SignalOneLocked();
                    }
                }

                throw;
            }
        }
    }

    /// <summary>Marks an item as finished; if it was added again meanwhile it goes back on the queue.</summary>
    public void Done(T item)
    {
        lock (_gate)
        {
            if (_processingStarts.Remove(item, out var started))
            {
                _metrics.WorkDuration.Record(_time.GetElapsedTime(started).TotalSeconds, _tags);
            }

            _processing.Remove(item);
            if (_dirty.Contains(item))
            {
                _queue.Enqueue(item);
                SignalOneLocked();
            }
            else if (_processing.Count == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>Stops accepting new items and wakes every waiting worker. Queued items are still handed out.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            ShutDownLocked();
        }
    }

    /// <summary>Shuts down, then waits until every in-flight item is <see cref="Done"/>.</summary>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (_gate)
        {
            ShutDownLocked();
            if (_processing.Count == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _drained.Task;
        }

        return wait.WaitAsync(cancellationToken);
    }

    public void Dispose() => ShutDown();

    private void AddLocked(T item)
    {
        if (_shuttingDown || !_dirty.Add(item))
        {
            return;
        }

        _metrics.QueueAdds.Add(1, _tags);
        _metrics.QueueDepth.Add(1, _tags);
        _addTimes.TryAdd(item, _time.GetTimestamp());
        if (_processing.Contains(item))
        {
            return;
        }

        _queue.Enqueue(item);
        SignalOneLocked();
    }

    private void ShutDownLocked()
    {
        if (_shuttingDown)
        {
            return;
        }

        _shuttingDown = true;
        foreach (var waiting in _waiting.Values)
        {
            waiting.Timer.Dispose();
        }

        _waiting.Clear();
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            first.Value.TrySetResult();
        }

        _metrics.UnregisterQueue(this);
    }

    private void SignalOneLocked()
    {
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            first.Value.TrySetResult();
        }
    }

    private void OnDelayElapsed(T item, DelayedItem entry)
    {
        lock (_gate)
        {
            // A newer, earlier AddAfter replaced this entry: its own timer adds the item.
            if (!_waiting.TryGetValue(item, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            _waiting.Remove(item);
            entry.Timer.Dispose();
            AddLocked(item);
        }
    }

    private QueueProcessingTimes ProcessingTimes()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            double total = 0, longest = 0;
            foreach (var start in _processingStarts.Values)
            {
                var seconds = _time.GetElapsedTime(start, now).TotalSeconds;
                total += seconds;
                longest = Math.Max(longest, seconds);
            }

            return new QueueProcessingTimes(Name, total, longest);
        }
    }

    private sealed class DelayedItem(long due)
    {
        public long Due { get; } = due;

        public ITimer Timer { get; set; } = null!;
    }
}
