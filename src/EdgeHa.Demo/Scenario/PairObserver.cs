using System.Globalization;
using EdgeHa.Demo.Measurement;
using EdgeHa.Fencing;

namespace EdgeHa.Demo.Scenario;

/// <summary>
/// Follows the pair's status and Events by polling, keeps the latest snapshot, writes each change of phase, active
/// node and epoch, each completed transition, and each Event into the timeline.
/// </summary>
public sealed class PairObserver(IDemoEnvironment environment, PairManifest pair, Timeline timeline, TimeProvider time)
{
    private readonly Lock _gate = new();
    private PairSnapshot? _latest;
    private long? _predicted;
    private string? _lastError;
    private readonly List<(DateTimeOffset At, string Node, int Sequence)> _recorded = [];
    private readonly List<PromotionGap> _gaps = [];
    private string? _writer;
    private string? _holder;
    private readonly List<ActivePlacement> _actives = [];

    /// <summary>How often the status is read; Events are read every fourth time.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromMilliseconds(200);

    public PairSnapshot? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    /// <summary>The last status.predictedFailoverMilliseconds seen (kept if a later read lacks it).</summary>
    public long? PredictedFailoverMs
    {
        get
        {
            lock (_gate)
            {
                return _predicted;
            }
        }
    }

    /// <summary>The last error reading status, if the last read failed.</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var round = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(events: round++ % 4 == 0, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(Period, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One read of status (and Events when asked); a failed read is remembered, not thrown.</summary>
    public async Task PollOnceAsync(bool events, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await environment.GetPairAsync(pair, cancellationToken);
            Observe(snapshot, time.GetUtcNow());
            ObserveLease(await environment.GetLeaseAsync(pair, cancellationToken), time.GetUtcNow());
            if (events)
            {
                foreach (var e in await environment.GetEventsAsync(pair, cancellationToken))
                {
                    timeline.AddOnce("event/" + e.Key, e.At, "event", $"{e.Reason} ({e.Type}): {e.Note}");
                }
            }

            lock (_gate)
            {
                _lastError = null;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _lastError = e.Message;
            }
        }
    }

    /// <summary>
    /// Takes the pair Lease in: who holds it, and the last published sequence each node's collector recorded (a
    /// released lease keeps what its last holder wrote).
    /// </summary>
    public void ObserveLease(LeaseSnapshot? lease, DateTimeOffset now)
    {
        if (lease is null)
        {
            return;
        }

        lock (_gate)
        {
            var holder = string.IsNullOrEmpty(lease.Holder) ? null : lease.Holder;
            if (holder != _holder)
            {
                _holder = holder;
                timeline.Add(now, "lease", holder is null
                    ? $"released (last published sequence {lease.LastPublishedSequence?.ToString(CultureInfo.InvariantCulture) ?? "-"})"
                    : $"held by {holder}");
            }

            if (holder is not null)
            {
                _writer = new[] { pair.PrimaryNode, pair.StandbyNode }.FirstOrDefault(n => holder.Contains($"-{n}-", StringComparison.Ordinal)) ?? _writer;
            }

            if (_writer is not null && lease.LastPublishedSequence is { } seq
                && (_recorded.Count == 0 || _recorded[^1].Node != _writer || _recorded[^1].Sequence != seq))
            {
                _recorded.Add((now, _writer, seq));
            }

            if (lease.PromotionGap is { } gap && !_gaps.Exists(g => g.Epoch == gap.Epoch))
            {
                _gaps.Add(gap);
                timeline.Add(now, "lease", $"{holder ?? "the holder"} reports a promotion gap at epoch {gap.Epoch}: sequences {gap.FirstMissing}-{gap.LastMissing} {gap.Reason}");
            }
        }
    }

    /// <summary>
    /// The unwrapped sequences that promoted collectors reported (edgeha.io/promotion-gap) their standby polls never
    /// read although their buffer covered them (not-read). A buffer that did not reach back (older-than-buffer: a cold
    /// standby's start, or too short a buffer) is the handover's loss and stays counted there. At most
    /// <paramref name="limit"/>, the earliest first.
    /// </summary>
    public IReadOnlySet<long> NotBufferedAtPromotion(int limit = 100_000)
    {
        lock (_gate)
        {
            var set = new HashSet<long>();
            foreach (var gap in _gaps.Where(g => !g.OlderThanBuffer))
            {
                for (var s = gap.FirstMissing; s <= gap.LastMissing && set.Count < limit; s++)
                {
                    set.Add(s);
                }
            }

            return set;
        }
    }

    /// <summary>The last sequence <paramref name="node"/>'s collector recorded in the Lease as published, as seen by <paramref name="before"/>.</summary>
    public int? LastRecordedBy(string node, DateTimeOffset before)
    {
        lock (_gate)
        {
            for (var i = _recorded.Count - 1; i >= 0; i--)
            {
                if (_recorded[i].Node == node && _recorded[i].At <= before)
                {
                    return _recorded[i].Sequence;
                }
            }

            return null;
        }
    }

    /// <summary>Every active node and epoch the status reported up to <paramref name="until"/>, in order.</summary>
    public IReadOnlyList<ActivePlacement> ActivesUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            return [.. _actives.Where(a => a.At <= until)];
        }
    }

    /// <summary>Takes a snapshot in and writes what changed to the timeline.</summary>
    public void Observe(PairSnapshot? snapshot, DateTimeOffset now)
    {
        PairSnapshot? previous;
        lock (_gate)
        {
            previous = _latest;
            _latest = snapshot;
            if (snapshot?.PredictedFailoverMs is { } p)
            {
                _predicted = p;
            }

            if (snapshot?.ActiveNode is { } active && (_actives.Count == 0 || _actives[^1].Node != active || _actives[^1].Epoch != snapshot.Epoch))
            {
                _actives.Add(new ActivePlacement(now, active, snapshot.Epoch));
            }
        }

        if (snapshot is null)
        {
            return;
        }

        if (previous?.Phase != snapshot.Phase || previous?.ActiveNode != snapshot.ActiveNode || previous?.Epoch != snapshot.Epoch)
        {
            timeline.Add(now, "status", $"phase {snapshot.Phase ?? "-"}, active {snapshot.ActiveNode ?? "none"}, epoch {snapshot.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        }

        if (snapshot.LastTransition is { Time: { } at, SwitchMs: { } switchMs } t)
        {
            timeline.AddOnce($"transition/{at:O}/{t.To}", at, "status",
                $"lastTransition {t.Reason}: {t.From ?? "none"} -> {t.To}, detection {t.DetectionMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms, switch {switchMs.ToString(CultureInfo.InvariantCulture)} ms (decided at this time)");
        }
    }
}
