using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>The collector's counters, rendered as Prometheus text. Thread-safe.</summary>
public sealed class CollectorMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly long[] _bucketCounts = new long[Buckets.Length];
    private readonly ConcurrentDictionary<(PollErrorKind Kind, ModbusExceptionCode? Code), long> _errors = new();
    private readonly Lock _histogramGate = new();
    private double _latencySum;
    private long _latencyCount;
    private long _polls;
    private long _published;
    private long _replayed;
    private long _dropped;
    private long _fenced;
    private long _promotionGap;
    private readonly ConcurrentDictionary<string, long> _sinkErrors = new(StringComparer.Ordinal);

    public long Polls => Interlocked.Read(ref _polls);

    public long SamplesPublished => Interlocked.Read(ref _published);

    public long SamplesReplayed => Interlocked.Read(ref _replayed);

    /// <summary>Samples dropped because the publish queue was full.</summary>
    public long SamplesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Queued samples discarded because the collector lost the right to publish.</summary>
    public long SamplesFenced => Interlocked.Read(ref _fenced);

    /// <summary>Sequences after the previous holder's last one that a promotion could not replay (never buffered here).</summary>
    public long PromotionGapSequences => Interlocked.Read(ref _promotionGap);

    /// <summary>Failed writes to the sink with this name.</summary>
    public long SinkErrors(string sink) => _sinkErrors.TryGetValue(sink, out var n) ? n : 0;

    public long Errors(PollErrorKind kind, ModbusExceptionCode? code = null) =>
        _errors.Where(kv => kv.Key.Kind == kind && (code is null || kv.Key.Code == code)).Sum(kv => kv.Value);

    internal void OnPoll(TimeSpan latency)
    {
        Interlocked.Increment(ref _polls);
        var seconds = latency.TotalSeconds;
        lock (_histogramGate)
        {
            _latencySum += seconds;
            _latencyCount++;
            for (var i = 0; i < Buckets.Length; i++)
            {
                if (seconds <= Buckets[i])
                {
                    _bucketCounts[i]++;
                }
            }
        }
    }

    internal void OnPollFailed(PollErrorKind kind, ModbusExceptionCode? code)
    {
        Interlocked.Increment(ref _polls);
        _errors.AddOrUpdate((kind, code), 1, (_, n) => n + 1);
    }

    internal void OnPublished(int count, bool replay)
    {
        Interlocked.Add(ref _published, count);
        if (replay)
        {
            Interlocked.Add(ref _replayed, count);
        }
    }

    internal void OnDropped() => Interlocked.Increment(ref _dropped);

    internal void OnFenced(int count) => Interlocked.Add(ref _fenced, count);

    internal void OnPromotionGap(long sequences) => Interlocked.Add(ref _promotionGap, sequences);

    internal void OnSinkError(string sink) => _sinkErrors.AddOrUpdate(sink, 1, (_, n) => n + 1);

    /// <summary>The Prometheus text exposition (format 0.0.4), with state gauges from <paramref name="state"/>.</summary>
    public string Render(CollectorState state)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("# HELP edgeha_collector_poll_duration_seconds Time to read every configured block (successful polls).\n");
        sb.Append("# TYPE edgeha_collector_poll_duration_seconds histogram\n");
        lock (_histogramGate)
        {
            for (var i = 0; i < Buckets.Length; i++)
            {
                sb.Append(ci, $"edgeha_collector_poll_duration_seconds_bucket{{le=\"{Buckets[i].ToString(ci)}\"}} {_bucketCounts[i]}\n");
            }

            sb.Append(ci, $"edgeha_collector_poll_duration_seconds_bucket{{le=\"+Inf\"}} {_latencyCount}\n");
            sb.Append(ci, $"edgeha_collector_poll_duration_seconds_sum {_latencySum.ToString("0.######", ci)}\n");
            sb.Append(ci, $"edgeha_collector_poll_duration_seconds_count {_latencyCount}\n");
        }

        sb.Append("# HELP edgeha_collector_polls_total Polls attempted (successful or not).\n");
        sb.Append("# TYPE edgeha_collector_polls_total counter\n");
        sb.Append(ci, $"edgeha_collector_polls_total {Polls}\n");
        sb.Append("# HELP edgeha_collector_poll_errors_total Failed polls by kind and Modbus exception code (none when not an exception).\n");
        sb.Append("# TYPE edgeha_collector_poll_errors_total counter\n");
        foreach (var ((kind, code), count) in _errors.OrderBy(kv => kv.Key.Kind).ThenBy(kv => kv.Key.Code))
        {
            var codeLabel = code is { } c ? ((byte)c).ToString(ci) : "none";
            sb.Append(ci, $"edgeha_collector_poll_errors_total{{kind=\"{kind.ToString().ToLowerInvariant()}\",code=\"{codeLabel}\"}} {count}\n");
        }

        sb.Append("# HELP edgeha_collector_samples_published_total Samples published (live and replayed after a promotion).\n");
        sb.Append("# TYPE edgeha_collector_samples_published_total counter\n");
        sb.Append(ci, $"edgeha_collector_samples_published_total {SamplesPublished}\n");
        sb.Append("# HELP edgeha_collector_samples_replayed_total Buffered samples published on promotion.\n");
        sb.Append("# TYPE edgeha_collector_samples_replayed_total counter\n");
        sb.Append(ci, $"edgeha_collector_samples_replayed_total {SamplesReplayed}\n");
        sb.Append("# HELP edgeha_collector_samples_dropped_total Samples dropped because the publish queue was full (oldest first).\n");
        sb.Append("# TYPE edgeha_collector_samples_dropped_total counter\n");
        sb.Append(ci, $"edgeha_collector_samples_dropped_total {SamplesDropped}\n");
        sb.Append("# HELP edgeha_collector_promotion_gap_sequences_total Sequences after the previous holder's last published one that a promotion found missing from this collector's buffer (not replayed).\n");
        sb.Append("# TYPE edgeha_collector_promotion_gap_sequences_total counter\n");
        sb.Append(ci, $"edgeha_collector_promotion_gap_sequences_total {PromotionGapSequences}\n");
        sb.Append("# HELP edgeha_collector_samples_fenced_total Queued samples discarded because the collector lost the right to publish.\n");
        sb.Append("# TYPE edgeha_collector_samples_fenced_total counter\n");
        sb.Append(ci, $"edgeha_collector_samples_fenced_total {SamplesFenced}\n");
        sb.Append("# HELP edgeha_collector_sink_errors_total Failed writes by sink (each retried).\n");
        sb.Append("# TYPE edgeha_collector_sink_errors_total counter\n");
        foreach (var (sink, count) in _sinkErrors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(ci, $"edgeha_collector_sink_errors_total{{sink=\"{sink}\"}} {count}\n");
        }

        sb.Append("# HELP edgeha_collector_publish_queue_depth Samples waiting for (or being written to) the sinks.\n");
        sb.Append("# TYPE edgeha_collector_publish_queue_depth gauge\n");
        sb.Append(ci, $"edgeha_collector_publish_queue_depth {state.QueueDepth}\n");
        sb.Append("# HELP edgeha_collector_samples_buffered Samples in the ring buffer.\n");
        sb.Append("# TYPE edgeha_collector_samples_buffered gauge\n");
        sb.Append(ci, $"edgeha_collector_samples_buffered {state.Buffered}\n");
        sb.Append("# HELP edgeha_collector_role The current role (1 for the role in the label).\n");
        sb.Append("# TYPE edgeha_collector_role gauge\n");
        foreach (var role in Enum.GetValues<CollectorRole>())
        {
            sb.Append(ci, $"edgeha_collector_role{{role=\"{CollectorCommandLine.RoleName(role)}\"}} {(role == state.Role ? 1 : 0)}\n");
        }

        sb.Append("# HELP edgeha_collector_healthy 1 while /healthz answers 200.\n");
        sb.Append("# TYPE edgeha_collector_healthy gauge\n");
        sb.Append(ci, $"edgeha_collector_healthy {(state.Healthy ? 1 : 0)}\n");
        sb.Append("# HELP edgeha_collector_degraded 1 while delivery to the sinks is degraded (queue overflow, sink failing); the reason is in /healthz.\n");
        sb.Append("# TYPE edgeha_collector_degraded gauge\n");
        sb.Append(ci, $"edgeha_collector_degraded {(state.Degraded ? 1 : 0)}\n");
        if (state.LastSuccess is { } last)
        {
            sb.Append("# HELP edgeha_collector_last_success_timestamp_seconds When the device last answered a whole poll.\n");
            sb.Append("# TYPE edgeha_collector_last_success_timestamp_seconds gauge\n");
            sb.Append(ci, $"edgeha_collector_last_success_timestamp_seconds {(last.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", ci)}\n");
        }

        if (state.LastSequence is { } sequence)
        {
            sb.Append("# HELP edgeha_collector_device_sequence The device sequence register at the last poll.\n");
            sb.Append("# TYPE edgeha_collector_device_sequence gauge\n");
            sb.Append(ci, $"edgeha_collector_device_sequence {sequence}\n");
        }

        return sb.ToString();
    }
}

/// <summary>A consistent view of the collector's state for health and metrics.</summary>
/// <param name="Role">The role now.</param>
/// <param name="Healthy">What /healthz answers (200 when true).</param>
/// <param name="Reason">Why, in one line.</param>
/// <param name="LastSuccess">When the device last answered a whole poll.</param>
/// <param name="LastSequence">The device sequence at that poll.</param>
/// <param name="Buffered">Samples in the ring buffer.</param>
/// <param name="Degraded">Healthy, but delivery to a sink is impaired (the reason says how).</param>
/// <param name="QueueDepth">Samples waiting for the sinks.</param>
public sealed record CollectorState(CollectorRole Role, bool Healthy, string Reason, DateTimeOffset? LastSuccess, int? LastSequence, int Buffered, bool Degraded = false, int QueueDepth = 0);
