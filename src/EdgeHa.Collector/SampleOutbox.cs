namespace EdgeHa.Collector;

/// <summary>
/// The bounded queue between the engine and its sinks. One task writes each sample to every sink in order; a sample
/// is acknowledged (and only then counts as published) once every sink has written it. The fence is checked at
/// emission: right before each write, not when the sample was queued, so a collector that lost its role writes
/// nothing more and its queue is discarded (the new active replays from its own buffer). A full queue drops its
/// oldest sample, counted and reported as degraded health, never silently. A sink that fails is retried with
/// backoff, the same sample again (at-least-once), until it writes or the fence closes.
/// </summary>
public sealed class SampleOutbox : IAsyncDisposable
{
    /// <summary>How long <see cref="DisposeAsync"/> waits for a write in progress.</summary>
    private static readonly TimeSpan AbandonWritesAfter = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<ISampleSink> _sinks;
    private readonly Func<bool> _mayEmit;
    private readonly Action<Sample, bool> _acknowledged;
    private readonly Action<IReadOnlyList<Sample>> _discarded;
    private readonly CollectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _queue = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private readonly RetryBackoff _backoff;
    private readonly bool _drivenByOwner;
    private Task? _pump;
    private Entry? _inFlight;
    private bool _overflowed;
    private string? _sinkProblem;
    private int _disposed;

    /// <param name="sinks">Where samples go, in this order.</param>
    /// <param name="capacity">Most samples queued; the oldest is dropped beyond it.</param>
    /// <param name="mayEmit">The fence, asked right before every write.</param>
    /// <param name="acknowledged">Called (sample, replay) once every sink has written the sample, in order.</param>
    /// <param name="discarded">Called with the queued samples thrown away because the fence closed.</param>
    /// <param name="metrics">Where drops, fenced samples and sink errors are counted.</param>
    /// <param name="time">The clock of the retry backoff.</param>
    public SampleOutbox(IReadOnlyList<ISampleSink> sinks, int capacity, Func<bool> mayEmit, Action<Sample, bool> acknowledged, Action<IReadOnlyList<Sample>> discarded, CollectorMetrics metrics, TimeProvider? time = null)
        : this(sinks, capacity, mayEmit, acknowledged, discarded, metrics, time, drivenByOwner: false, jitter: null)
    {
    }

    /// <summary>
    /// With <paramref name="drivenByOwner"/>, no pump task of its own: the owner calls <see cref="DeliverQueuedAsync"/>
    /// (a virtual-time simulation, where every continuation must run on the one thread that steps the world);
    /// <paramref name="jitter"/> spreads the sinks' retries (a seeded one replays).
    /// </summary>
    internal SampleOutbox(IReadOnlyList<ISampleSink> sinks, int capacity, Func<bool> mayEmit, Action<Sample, bool> acknowledged, Action<IReadOnlyList<Sample>> discarded, CollectorMetrics metrics, TimeProvider? time, bool drivenByOwner, Random? jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _sinks = sinks ?? throw new ArgumentNullException(nameof(sinks));
        Capacity = capacity;
        _mayEmit = mayEmit ?? throw new ArgumentNullException(nameof(mayEmit));
        _acknowledged = acknowledged ?? throw new ArgumentNullException(nameof(acknowledged));
        _discarded = discarded ?? throw new ArgumentNullException(nameof(discarded));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = time ?? TimeProvider.System;
        _drivenByOwner = drivenByOwner;
        _backoff = new RetryBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), jitter);
    }

    public int Capacity { get; }

    /// <summary>Samples queued or being written.</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count + (_inFlight is null ? 0 : 1);
            }
        }
    }

    /// <summary>Why delivery is degraded (the queue overflowed, a sink fails), or null.</summary>
    public string? Problem
    {
        get
        {
            lock (_gate)
            {
                var overflow = _overflowed
                    ? $"publish queue full: {_metrics.SamplesDropped} sample(s) dropped so far (--publish-queue {Capacity})"
                    : null;
                return (overflow, _sinkProblem) switch
                {
                    (null, null) => null,
                    ({ } o, null) => o,
                    (null, { } s) => s,
                    ({ } o, { } s) => $"{o}; {s}",
                };
            }
        }
    }

    /// <summary>Queues a sample for every sink; the oldest queued one is dropped (and counted) when full.</summary>
    public void Enqueue(Sample sample, bool replay)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_queue.Count >= Capacity)
            {
                _queue.Dequeue();
                _overflowed = true;
                _metrics.OnDropped();
            }

            _queue.Enqueue(new Entry(sample, replay));
            if (_drivenByOwner)
            {
                return;
            }

            _pump ??= Task.Run(PumpAsync);
        }

        Wake();
    }

    /// <summary>Throws away what is queued (the fence closed); returns how many samples were discarded.</summary>
    public int Discard()
    {
        List<Sample> discarded;
        List<TaskCompletionSource>? idle;
        lock (_gate)
        {
            discarded = [.. _queue.Select(e => e.Sample)];
            _queue.Clear();
            _overflowed = false;
            idle = TakeIdleWaitersLocked();
        }

        Complete(idle);

        if (discarded.Count > 0)
        {
            _metrics.OnFenced(discarded.Count);
            _discarded(discarded);
        }

        return discarded.Count;
    }

    /// <summary>Completes when nothing is queued or being written (every queued sample acknowledged or discarded).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_queue.Count == 0 && _inFlight is null)
            {
                return Task.CompletedTask;
            }

            // Owner-driven (virtual time), the waiter's continuation runs inline, in order, as everything else there.
            var waiter = new TaskCompletionSource(_drivenByOwner ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        Task? pump;
        lock (_gate)
        {
            pump = _pump;
        }

        if (pump is not null)
        {
            try
            {
                // A write into a stalled pipe does not honour cancellation: leave it behind rather than hang the stop.
                await pump.WaitAsync(AbandonWritesAfter).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }

        List<TaskCompletionSource>? idle;
        lock (_gate)
        {
            _queue.Clear();
            idle = TakeIdleWaitersLocked();
        }

        Complete(idle);
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task PumpAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            bool delivered;
            try
            {
                delivered = await DeliverNextAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            if (delivered)
            {
                continue;
            }

            try
            {
                await _wake.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The pump's work without its waiting: writes what is queued, in order, until the queue is empty.</summary>
    internal async Task DeliverQueuedAsync()
    {
        var stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested && await DeliverNextAsync(stop).ConfigureAwait(false))
            {
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the oldest queued sample to every sink (or discards it and the rest if the fence closed); false when nothing was queued.</summary>
    private async Task<bool> DeliverNextAsync(CancellationToken stop)
    {
        Entry entry;
        bool dequeued;
        List<TaskCompletionSource>? idle = null;
        lock (_gate)
        {
            dequeued = _queue.TryDequeue(out entry);
            _inFlight = dequeued ? entry : null;
            if (!dequeued)
            {
                idle = TakeIdleWaitersLocked();
            }
        }

        if (!dequeued)
        {
            Complete(idle);
            return false;
        }

        try
        {
            if (await DeliverAsync(entry.Sample, _backoff, stop).ConfigureAwait(false))
            {
                _acknowledged(entry.Sample, entry.Replay);
            }
            else if (!stop.IsCancellationRequested)
            {
                // The fence closed: this sample and everything behind it is the new active's to replay.
                _metrics.OnFenced(1);
                _discarded([entry.Sample]);
                Discard();
            }
        }
        finally
        {
            List<TaskCompletionSource>? nowIdle = null;
            lock (_gate)
            {
                _inFlight = null;
                if (_queue.Count == 0)
                {
                    _overflowed = false;
                    nowIdle = TakeIdleWaitersLocked();
                }
            }

            Complete(nowIdle);
        }

        return true;
    }

    /// <summary>Writes one sample to every sink; false when the fence closed first.</summary>
    private async Task<bool> DeliverAsync(Sample sample, RetryBackoff backoff, CancellationToken stop)
    {
        foreach (var sink in _sinks)
        {
            while (true)
            {
                if (!_mayEmit())
                {
                    return false;
                }

                string? error;
                try
                {
                    if (await sink.WriteAsync(sample, _mayEmit, stop).ConfigureAwait(false))
                    {
                        break;
                    }

                    error = sink.Problem ?? "not written";
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    error = e.Message;
                }

                if (!_mayEmit())
                {
                    return false;
                }

                _metrics.OnSinkError(sink.Name);
                lock (_gate)
                {
                    _sinkProblem = $"{sink.Name}: {error}";
                }

                await Task.Delay(backoff.Next(), _time, stop).ConfigureAwait(false);
            }
        }

        backoff.Reset();
        lock (_gate)
        {
            _sinkProblem = null;
        }

        return true;
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending.
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing to wake.
        }
    }

    /// <summary>The idle waiters to complete once the lock is released (continuations never run under it), or null.</summary>
    private List<TaskCompletionSource>? TakeIdleWaitersLocked()
    {
        if (_queue.Count != 0 || _inFlight is not null || _idleWaiters.Count == 0)
        {
            return null;
        }

        List<TaskCompletionSource> waiters = [.. _idleWaiters];
        _idleWaiters.Clear();
        return waiters;
    }

    private static void Complete(List<TaskCompletionSource>? waiters)
    {
        foreach (var waiter in waiters ?? [])
        {
            waiter.TrySetResult();
        }
    }

    private readonly record struct Entry(Sample Sample, bool Replay);
}
