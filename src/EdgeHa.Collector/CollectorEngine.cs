using System.Net.Sockets;
using EdgeHa.Fencing;
using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>
/// The collector's logic, independent of HTTP: polls the configured blocks (in active and standby roles), stamps
/// each sample, keeps it in the ring buffer, publishes it when active, tracks device freshness for health, and
/// replays buffered samples on promotion. Polls and publications are serialized, so published samples leave in
/// order. A sample counts as published (<see cref="LastPublished"/>, the sequence recorded on the Lease) only once
/// every sink has acknowledged it; between the engine and the sinks is the bounded <see cref="SampleOutbox"/>, which
/// checks the fence right before each write. Without sinks (HTTP reads only) a sample is published when taken.
/// Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class CollectorEngine : IAsyncDisposable
{
    private readonly CollectorOptions _options;
    private readonly IDeviceReader _reader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ISampleSink> _sinks;
    private readonly SampleOutbox? _outbox;
    private readonly IReadOnlyList<ISampleView> _views;
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private readonly Lock _publishGate = new();
    private readonly int _sequenceBlock; // index of the block that contains the sequence register, or -1
    private long _sampleNumber;
    private long _epoch;
    private DateTimeOffset? _lastSuccess;
    private int? _lastSequence;
    private string _lastError = "";
    private long _failureStreak;
    private Sample? _lastPublished;
    private PromotionGap? _lastPromotionGap;
    private bool _draining; // an active about to hand over: new samples are buffered, not published
    private readonly SequenceUnwrapper _unwrapper = new();

    /// <param name="options">What to poll and how.</param>
    /// <param name="reader">The device.</param>
    /// <param name="roles">Where the role comes from.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    /// <param name="sinks">Where published samples are delivered and acknowledged (stdout, MQTT), through the outbox.</param>
    /// <param name="views">What shows the newest published values (the Modbus gateway), updated at once.</param>
    public CollectorEngine(CollectorOptions options, IDeviceReader reader, IRoleSource roles, TimeProvider? time = null, ILogger? logger = null, IEnumerable<ISampleSink>? sinks = null, IEnumerable<ISampleView>? views = null)
        : this(options, reader, roles, time, logger, sinks, views, outboxDrivenByOwner: false, outboxJitter: null)
    {
    }

    /// <summary>
    /// With <paramref name="outboxDrivenByOwner"/>, the sinks' queue runs no task of its own: the owner calls
    /// <see cref="DeliverQueuedAsync"/> (virtual time); <paramref name="outboxJitter"/> spreads its retries (seeded, it replays).
    /// </summary>
    internal CollectorEngine(CollectorOptions options, IDeviceReader reader, IRoleSource roles, TimeProvider? time, ILogger? logger, IEnumerable<ISampleSink>? sinks, IEnumerable<ISampleView>? views, bool outboxDrivenByOwner, Random? outboxJitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        Roles = roles ?? throw new ArgumentNullException(nameof(roles));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _sinks = [.. sinks ?? []];
        _views = [.. views ?? []];
        Metrics = new CollectorMetrics(GetState);
        Buffer = new SampleRingBuffer(options.BufferCapacity, TimeSpan.FromSeconds(options.BufferSeconds));
        _sequenceBlock = options.Sequence is { } q
            ? options.Reads.FindIndex(b => b.Table == q.Table && q.Address >= b.Address && q.Address < b.Address + b.Count)
            : -1;
        _outbox = _sinks.Count == 0
            ? null
            : new SampleOutbox(_sinks, options.PublishQueueCapacity, () => Roles.Current == CollectorRole.Active, OnAcknowledged, OnDiscarded, Metrics, _time, outboxDrivenByOwner, outboxJitter);
        Roles.RoleChanged += OnRoleChanged;
    }

    public IRoleSource Roles { get; }

    public SampleRingBuffer Buffer { get; }

    public CollectorMetrics Metrics { get; }

    public CollectorOptions Options => _options;

    /// <summary>The promotion epoch stamped on new samples (0 until the operator sets it).</summary>
    public long Epoch
    {
        get => Interlocked.Read(ref _epoch);
        set => Interlocked.Exchange(ref _epoch, value);
    }

    /// <summary>The last sample this collector published (every sink acknowledged it), or null.</summary>
    public Sample? LastPublished
    {
        get
        {
            lock (_publishGate)
            {
                return _lastPublished;
            }
        }
    }

    /// <summary>
    /// What the last promotion could not replay (sequences after the recorded one that this collector never buffered),
    /// or null when it replayed without a hole. Reported on the pair Lease by <see cref="LeaseRoleSource"/>.
    /// </summary>
    public PromotionGap? LastPromotionGap
    {
        // Without the publication lock: the holder reads it while renewing, and a renewal must never wait for a poll.
        get => Volatile.Read(ref _lastPromotionGap);
        private set => Volatile.Write(ref _lastPromotionGap, value);
    }

    /// <summary>Polls at the interval until cancelled; the first poll happens at once. Never throws on device errors.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Interval, _time);
        do
        {
            try
            {
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // PollOnceAsync already turns device trouble into metrics; this guards the loop against bugs.
                Log.LoopError(_logger, e);
            }
        }
        while (await WaitTickAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// One poll of every block. Returns the sample, or null when stopped or when the poll failed (the failure is
    /// counted by kind and exception code and reported by health).
    /// </summary>
    public async Task<Sample?> PollOnceAsync(CancellationToken cancellationToken)
    {
        if (Roles.Current == CollectorRole.Stopped)
        {
            return null;
        }

        await _pollGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            BlockValues[] blocks;
            int? sequence;
            try
            {
                (blocks, sequence) = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Classify(e) is var (kind, code))
            {
                Metrics.OnPollFailed(kind, code);
                bool first;
                lock (_publishGate)
                {
                    _lastError = $"{kind.ToString().ToLowerInvariant()}: {e.Message}";
                    first = ++_failureStreak == 1;
                }

                // One warning per outage, not one per poll; the metrics count every failure.
                if (first)
                {
                    Log.PollFailed(_logger, kind, e.Message);
                }

                return null;
            }

            Metrics.OnPoll(_time.GetElapsedTime(started));
            return Record(blocks, sequence);
        }
        finally
        {
            _pollGate.Release();
        }
    }

    private Sample? Record(BlockValues[] blocks, int? sequence)
    {
        long recovered;
        Sample sample;
        lock (_publishGate)
        {
            var now = _time.GetUtcNow();
            _lastSuccess = now;
            _lastSequence = sequence;
            recovered = _failureStreak;
            _failureStreak = 0;

            // The role may have changed while the device was being read: act on the role at publication time.
            var role = Roles.Current;
            if (role == CollectorRole.Stopped)
            {
                return null;
            }

            sample = new Sample(++_sampleNumber, now, sequence, Epoch, blocks, sequence is { } s ? _unwrapper.Unwrap(s) : null);
            var publish = role == CollectorRole.Active && !_draining;
            Buffer.Add(sample, publish);
            if (publish)
            {
                PublishLocked(sample, replay: false);
            }
        }

        if (recovered > 0)
        {
            Log.PollRecovered(_logger, recovered);
        }

        return sample;
    }

    /// <summary>
    /// Promotes a hot standby without losing or repeating samples: publishes, in order, the buffered samples that
    /// follow <paramref name="lastPublishedSequence"/> (the 64-bit sequence the previous holder recorded on the pair
    /// Lease, or the 16-bit one of its <c>GET /published/last</c>; null publishes every unpublished buffered sample),
    /// then switches to active when the role source takes requests. With a role source that does not (a lease), the
    /// role must already be active. The recorded sequence is matched on the 16-bit ring against what this collector
    /// polled, so the two collectors' numberings may differ by whole wraps; when the recorded one is ahead, this
    /// collector's numbering moves up to it, so the published sequence continues after the recorded one.
    /// </summary>
    public Task<PromotionResult> PromoteAsync(long? lastPublishedSequence, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<Sample> replayed;
        PromotionGap? gap = null;
        lock (_publishGate)
        {
            var lease = Roles as LeaseRoleSource;
            if (lease is not null && !lease.Holding.Acting)
            {
                // The holding ended before the promotion ran: publishing now would break the fencing.
                return Task.FromResult(new PromotionResult(0, _lastPublished));
            }

            if (Roles is not IRoleController && lease is null && Roles.Current != CollectorRole.Active)
            {
                throw new InvalidOperationException($"the role source does not take requests and the role is {CollectorCommandLine.RoleName(Roles.Current)}; promotion needs the active role");
            }

            _draining = false;

            // Switch first (the sinks' fence asks the role), inside the lock so that no live sample can be queued
            // before the replayed ones.
            (Roles as IRoleController)?.SetRole(CollectorRole.Active);
            if (lease is not null && !lease.TryMarkPromoted())
            {
                return Task.FromResult(new PromotionResult(0, _lastPublished));
            }

            long? after = null;
            if (lastPublishedSequence is { } recorded)
            {
                after = _unwrapper.Align(recorded, out var shift);
                if (shift > 0)
                {
                    Buffer.ShiftUnwrapped(shift);
                }
            }

            if (after is { } a)
            {
                var (oldest, firstAfter) = Buffer.SequencesAround(a);
                gap = PromotionGap.Find(Epoch, a, oldest, firstAfter);
                LastPromotionGap = gap;
            }
            else
            {
                LastPromotionGap = null;
            }

            replayed = Buffer.PublishUnpublishedAfter(after);
            foreach (var sample in replayed)
            {
                PublishLocked(sample, replay: true);
            }
        }

        Log.Promoted(_logger, replayed.Count, lastPublishedSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        if (gap is not null)
        {
            Metrics.OnPromotionGap(gap.Count);
            Log.PromotionGap(_logger, gap.Count, gap.FirstMissing, gap.LastMissing, gap.Reason);
        }

        return Task.FromResult(new PromotionResult(replayed.Count, LastPublished));
    }

    /// <summary>
    /// Before a graceful release: stops publishing new samples (they are buffered, as a standby's are, for the next
    /// holder to replay) and waits until the sinks acknowledged or discarded what is queued, so that the release
    /// records the sample whose acknowledgement was in flight and the next holder does not repeat it. Publishing
    /// resumes only with the next promotion; losing the role ends the drain too.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_publishGate)
        {
            _draining = true;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when every queued sample has been acknowledged by the sinks or discarded.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _outbox?.WhenIdleAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Writes what the sinks' queue holds, when the owner drives it (see the internal constructor).</summary>
    internal Task DeliverQueuedAsync() => _outbox?.DeliverQueuedAsync() ?? Task.CompletedTask;

    /// <summary>Samples waiting for the sinks.</summary>
    public int PublishQueueDepth => _outbox?.Depth ?? 0;

    /// <summary>Stops the sinks' queue (what is still queued is not written).</summary>
    public async ValueTask DisposeAsync()
    {
        Roles.RoleChanged -= OnRoleChanged;
        if (_outbox is not null)
        {
            await _outbox.DisposeAsync().ConfigureAwait(false);
        }

        Metrics.Dispose();
    }

    /// <summary>Role, health (with the reason) and freshness, as one consistent snapshot.</summary>
    public CollectorState GetState()
    {
        lock (_publishGate)
        {
            var role = Roles.Current;
            var (healthy, reason) = EvaluateHealth(role);
            var degraded = false;
            if (healthy && DeliveryProblem() is { } problem)
            {
                // Still healthy for the failover (the other node would not deliver better), but visibly degraded.
                degraded = true;
                reason = $"degraded: {reason["ok: ".Length..]}; {problem}";
            }

            return new CollectorState(role, healthy, reason, _lastSuccess, _lastSequence, Buffer.Count, degraded, PublishQueueDepth);
        }
    }

    private (bool Healthy, string Reason) EvaluateHealth(CollectorRole role)
    {
        var roleName = CollectorCommandLine.RoleName(role);
        if (role == CollectorRole.Stopped)
        {
            return (false, "role is stopped: not polling the device");
        }

        if ((Roles as LeaseRoleSource)?.Problem is { } fencing)
        {
            return (false, $"{roleName}: {fencing}");
        }

        var lastError = _lastError.Length > 0 ? $"; last error: {_lastError}" : "";
        if (_lastSuccess is not { } last)
        {
            return (false, $"{roleName}: the device has not answered yet{lastError}");
        }

        var age = _time.GetUtcNow() - last;
        var stale = _options.EffectiveStaleAfter;
        return age > stale
            ? (false, $"{roleName}: the device last answered {age.TotalMilliseconds:0} ms ago (stale after {stale.TotalMilliseconds:0} ms){lastError}")
            : (true, $"ok: {roleName}, the device answered {Math.Max(0, age.TotalMilliseconds):0} ms ago");
    }

    /// <summary>Why delivery is impaired: the queue overflowed, a sink fails, or a sink cannot deliver (broker refused us).</summary>
    private string? DeliveryProblem()
    {
        var problems = new List<string>();
        if (_outbox?.Problem is { } queue)
        {
            problems.Add(queue);
        }

        foreach (var sink in _sinks)
        {
            if (sink.Problem is { } p && !problems.Exists(q => q.Contains(p, StringComparison.Ordinal)))
            {
                problems.Add($"{sink.Name}: {p}");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>Shows a sample and hands it to the sinks; without sinks it is published at once (HTTP reads only).</summary>
    private void PublishLocked(Sample sample, bool replay)
    {
        foreach (var view in _views)
        {
            view.Show(sample);
        }

        if (_outbox is null)
        {
            OnAcknowledged(sample, replay);
            return;
        }

        _outbox.Enqueue(sample, replay);
    }

    private void OnAcknowledged(Sample sample, bool replay)
    {
        lock (_publishGate)
        {
            _lastPublished = sample;
        }

        Metrics.OnPublished(1, replay);
    }

    private void OnDiscarded(IReadOnlyList<Sample> samples)
    {
        Buffer.MarkUnpublished(samples);
        Log.Discarded(_logger, samples.Count);
    }

    private void OnRoleChanged(object? sender, RoleChangedEventArgs e)
    {
        Log.RoleChanged(_logger, e.Previous, e.Current);
        if (e.Current != CollectorRole.Active)
        {
            lock (_publishGate)
            {
                _draining = false;
            }

            // The right to publish is gone: what is queued is the new active's to replay from its own buffer.
            _outbox?.Discard();
        }
    }

    private async Task<(BlockValues[] Blocks, int? Sequence)> ReadAllAsync(CancellationToken cancellationToken)
    {
        int? sequence = null;
        if (_options.Sequence is { } q && _sequenceBlock < 0)
        {
            // Read before the blocks so a sample never carries a sequence newer than its values.
            var registers = await _reader.ReadRegistersAsync(q.Table, q.Address, 1, cancellationToken).ConfigureAwait(false);
            sequence = registers.Length == 1 ? registers[0] : throw new ModbusProtocolException($"expected 1 register for the sequence, got {registers.Length}");
        }

        var blocks = new BlockValues[_options.Reads.Count];
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = _options.Reads[i];
            if (block.IsBits)
            {
                var bits = await _reader.ReadBitsAsync(block.Table, block.Address, block.Count, cancellationToken).ConfigureAwait(false);
                blocks[i] = bits.Length == block.Count
                    ? new BlockValues(block, null, bits)
                    : throw new ModbusProtocolException($"expected {block.Count} bits for {block}, got {bits.Length}");
            }
            else
            {
                var registers = await _reader.ReadRegistersAsync(block.Table, block.Address, block.Count, cancellationToken).ConfigureAwait(false);
                blocks[i] = registers.Length == block.Count
                    ? new BlockValues(block, registers, null)
                    : throw new ModbusProtocolException($"expected {block.Count} registers for {block}, got {registers.Length}");
            }

            if (i == _sequenceBlock)
            {
                sequence = blocks[i].Registers![_options.Sequence!.Value.Address - block.Address];
            }
        }

        return (blocks, sequence);
    }

    /// <summary>Maps a failure to its metric labels; the filter is always true (it only computes the labels).</summary>
    internal static (PollErrorKind Kind, ModbusExceptionCode? Code) Classify(Exception e) => e switch
    {
        ModbusException m => (PollErrorKind.Exception, m.ExceptionCode),
        TimeoutException => (PollErrorKind.Timeout, null),
        OperationCanceledException => (PollErrorKind.Timeout, null),
        ModbusProtocolException => (PollErrorKind.Malformed, null),
        SocketException or IOException or ObjectDisposedException => (PollErrorKind.Connection, null),
        _ => (PollErrorKind.Other, null),
    };
}

/// <summary>What a promotion did: how many buffered samples it queued for publication, and the last sample acknowledged so far.</summary>
public sealed record PromotionResult(int Replayed, Sample? LastPublished);
