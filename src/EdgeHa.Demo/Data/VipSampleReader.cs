using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Data;

/// <summary>
/// Reads samples through the VIP at a fixed period, as a consumer of the pair would: each read records whether the
/// VIP answered (for the outage windows) and the samples it returned, tagged with the stint (the collector in turn)
/// that published them. When a new collector starts answering, the old one is read once more directly (after a
/// planned handover it is still alive and holds what it published after the last read through the VIP), and the
/// new one's first read asks from a little before what was already read, so samples it publishes again are seen
/// (duplicates) and gaps at the switch are exact.
/// </summary>
public sealed class VipSampleReader
{
    private readonly IVipRoute _route;
    private readonly ISampleFetcher _fetcher;
    private readonly TimeProvider _time;
    private readonly VipReaderOptions _options;
    private readonly Lock _gate = new();
    private readonly List<VipProbe> _probes = [];
    private readonly List<ObservedSample> _samples = [];
    private readonly List<Stint> _stints = [];
    private readonly Queue<(DateTimeOffset At, int Sequence)> _recent = new();
    private int? _cursor;
    private bool _overlapPending;

    public VipSampleReader(IVipRoute route, ISampleFetcher fetcher, TimeProvider? timeProvider = null, VipReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(fetcher);
        _route = route;
        _fetcher = fetcher;
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new VipReaderOptions();
    }

    public VipReaderOptions Options => _options;

    /// <summary>Reads every period until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Period, _time);
        try
        {
            do
            {
                await ReadOnceAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    /// <summary>One read through the VIP.</summary>
    public async Task ReadOnceAsync(CancellationToken cancellationToken)
    {
        var start = _time.GetUtcNow();
        var target = _route.Current();
        if (target is null)
        {
            Record(new VipProbe(start, start, false, $"nothing listens for {_route.Name} yet"));
            return;
        }

        Stint? current;
        Stint? ended = null;
        int? after;
        lock (_gate)
        {
            current = _stints.Count > 0 ? _stints[^1] : null;
            if (current is not null && target.Backend is not null && target.Backend != current.Backend)
            {
                // A different collector answers now: a new stint, whose first samples are read with an overlap.
                ended = current;
                current = null;
                _overlapPending = _samples.Count > 0;
            }

            after = _overlapPending ? OverlapAnchorLocked() : _cursor;
        }

        if (ended?.BackendEndpoint is { } previous)
        {
            await DrainAsync(ended, previous, cancellationToken);
        }

        SampleBatch batch;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            batch = await _fetcher.FetchAsync(target.Endpoint, after, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Record(new VipProbe(start, _time.GetUtcNow(), false, $"no answer within {_options.Timeout.TotalMilliseconds} ms", target.Backend));
            return;
        }
        catch (SampleFetchException e)
        {
            Record(new VipProbe(start, _time.GetUtcNow(), false, e.Message, target.Backend));
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
        {
            // Whatever else goes wrong with one read is an unanswered read, never the end of the demo.
            Record(new VipProbe(start, _time.GetUtcNow(), false, $"{e.GetType().Name}: {e.Message}", target.Backend));
            return;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _probes.Add(new VipProbe(start, now, true, null, target.Backend));
            if (current is null)
            {
                current = new Stint(_stints.Count + 1, target.Backend, now, null, target.BackendEndpoint);
                _stints.Add(current);
            }

            var withSequence = batch.Samples.Where(s => s.Sequence is not null).ToList();
            if (withSequence.Count == 0)
            {
                return;
            }

            _overlapPending = false;
            foreach (var s in withSequence)
            {
                _samples.Add(new ObservedSample(s.Sequence!.Value, current.Id, now, s.Epoch));
                _recent.Enqueue((now, s.Sequence.Value));
            }

            while (_recent.Count > 0 && now - _recent.Peek().At > _options.OverlapWindow)
            {
                _recent.Dequeue();
            }

            _cursor = withSequence[^1].Sequence;
            if (current.FirstSampleAt is null)
            {
                _stints[^1] = current with { FirstSampleAt = now };
            }
        }
    }

    /// <summary>Everything read so far.</summary>
    public IReadOnlyList<ObservedSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    public IReadOnlyList<VipProbe> Probes
    {
        get
        {
            lock (_gate)
            {
                return [.. _probes];
            }
        }
    }

    public IReadOnlyList<Stint> Stints
    {
        get
        {
            lock (_gate)
            {
                return [.. _stints];
            }
        }
    }

    public int SampleCount
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    /// <summary>The last probe, if any.</summary>
    public VipProbe? LastProbe
    {
        get
        {
            lock (_gate)
            {
                return _probes.Count > 0 ? _probes[^1] : null;
            }
        }
    }

    /// <summary>The first stint that started at or after <paramref name="since"/> and has published a sample, or null.</summary>
    public Stint? FirstStintWithDataSince(DateTimeOffset since, Func<Stint, bool>? where = null)
    {
        lock (_gate)
        {
            return _stints.FirstOrDefault(s => s.StartedAt >= since && s.FirstSampleAt is not null && (where is null || where(s)));
        }
    }

    /// <summary>
    /// Reads what the previous collector published after the last read through the VIP, straight from it; a crashed
    /// one does not answer, and what it published unread is then up to the new one to publish again.
    /// </summary>
    private async Task DrainAsync(Stint ended, System.Net.IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        int? after;
        lock (_gate)
        {
            after = _cursor;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        SampleBatch batch;
        try
        {
            batch = await _fetcher.FetchAsync(endpoint, after, timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var s in batch.Samples.Where(s => s.Sequence is not null))
            {
                _samples.Add(new ObservedSample(s.Sequence!.Value, ended.Id, now, s.Epoch));
                _recent.Enqueue((now, s.Sequence.Value));
            }
        }
    }

    private void Record(VipProbe probe)
    {
        lock (_gate)
        {
            _probes.Add(probe);
        }
    }

    private int? OverlapAnchorLocked() => _recent.Count > 0 ? _recent.Peek().Sequence : _cursor;
}
