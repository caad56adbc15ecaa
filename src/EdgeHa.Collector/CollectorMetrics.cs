using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>
/// The collector's instruments on its own <see cref="Meter"/> (named <see cref="MeterName"/>, one per engine, so a
/// process hosting several collectors serves each one's series on its own /metrics). The counts are kept here and read
/// by observable counters, so the properties tests and health read and the scrape agree; poll latency is a histogram;
/// the state gauges read the engine's <see cref="CollectorState"/> at each scrape. Thread-safe.
/// </summary>
public sealed class CollectorMetrics : IDisposable
{
    public const string MeterName = "EdgeHa.Collector";

    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly ConcurrentDictionary<(PollErrorKind Kind, ModbusExceptionCode? Code), long> _errors = new();
    private readonly ConcurrentDictionary<string, long> _sinkErrors = new(StringComparer.Ordinal);
    private readonly Histogram<double> _pollDuration;
    private readonly Func<CollectorState> _state;
    private long _polls;
    private long _published;
    private long _replayed;
    private long _dropped;
    private long _fenced;
    private long _promotionGap;

    /// <summary>Creates the instruments; the state gauges read <paramref name="state"/> at each scrape.</summary>
    public CollectorMetrics(Func<CollectorState> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _state = state;
        Meter = new Meter(MeterName, "1.0");
        _pollDuration = Meter.CreateHistogram(
            "edgeha_collector_poll_duration_seconds",
            unit: "s",
            description: "Time to read every configured block (successful polls).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        Meter.CreateObservableCounter("edgeha_collector_polls_total", () => Polls, description: "Polls attempted (successful or not).");
        Meter.CreateObservableCounter(
            "edgeha_collector_poll_errors_total",
            () => _errors.Select(kv => new Measurement<long>(
                kv.Value,
                new("kind", kv.Key.Kind.ToString().ToLowerInvariant()),
                new("code", kv.Key.Code is { } c ? ((byte)c).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none"))),
            description: "Failed polls by kind and Modbus exception code (none when not an exception).");
        Meter.CreateObservableCounter("edgeha_collector_samples_published_total", () => SamplesPublished, description: "Samples published (live and replayed after a promotion).");
        Meter.CreateObservableCounter("edgeha_collector_samples_replayed_total", () => SamplesReplayed, description: "Buffered samples published on promotion.");
        Meter.CreateObservableCounter("edgeha_collector_samples_dropped_total", () => SamplesDropped, description: "Samples dropped because the publish queue was full (oldest first).");
        Meter.CreateObservableCounter(
            "edgeha_collector_promotion_gap_sequences_total",
            () => PromotionGapSequences,
            description: "Sequences after the previous holder's last published one that a promotion found missing from this collector's buffer (not replayed).");
        Meter.CreateObservableCounter("edgeha_collector_samples_fenced_total", () => SamplesFenced, description: "Queued samples discarded because the collector lost the right to publish.");
        Meter.CreateObservableCounter(
            "edgeha_collector_sink_errors_total",
            () => _sinkErrors.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("sink", kv.Key))),
            description: "Failed writes by sink (each retried).");
        Meter.CreateObservableGauge("edgeha_collector_publish_queue_depth", () => _state().QueueDepth, description: "Samples waiting for (or being written to) the sinks.");
        Meter.CreateObservableGauge("edgeha_collector_samples_buffered", () => _state().Buffered, description: "Samples in the ring buffer.");
        Meter.CreateObservableGauge("edgeha_collector_role", ObserveRole, description: "The current role (1 for the role in the label).");
        Meter.CreateObservableGauge("edgeha_collector_healthy", () => _state().Healthy ? 1 : 0, description: "1 while /healthz answers 200.");
        Meter.CreateObservableGauge(
            "edgeha_collector_degraded",
            () => _state().Degraded ? 1 : 0,
            description: "1 while delivery to the sinks is degraded (queue overflow, sink failing); the reason is in /healthz.");
        // Absent until the device first answered (a gauge at 0 would read as 1970, or as sequence 0).
        Meter.CreateObservableGauge(
            "edgeha_collector_last_success_timestamp_seconds",
            () => _state().LastSuccess is { } last ? [new Measurement<double>(last.ToUnixTimeMilliseconds() / 1000.0)] : Array.Empty<Measurement<double>>(),
            unit: "s",
            description: "When the device last answered a whole poll.");
        Meter.CreateObservableGauge(
            "edgeha_collector_device_sequence",
            () => _state().LastSequence is { } sequence ? [new Measurement<int>(sequence)] : Array.Empty<Measurement<int>>(),
            description: "The device sequence register at the last poll.");
    }

    /// <summary>The meter to export (EdgeHa.Hosting.PrometheusMetrics).</summary>
    public Meter Meter { get; }

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

    public void Dispose() => Meter.Dispose();

    internal void OnPoll(TimeSpan latency)
    {
        Interlocked.Increment(ref _polls);
        _pollDuration.Record(latency.TotalSeconds);
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

    private IEnumerable<Measurement<int>> ObserveRole()
    {
        var current = _state().Role;
        foreach (var role in Enum.GetValues<CollectorRole>())
        {
            yield return new Measurement<int>(role == current ? 1 : 0, new KeyValuePair<string, object?>("role", CollectorCommandLine.RoleName(role)));
        }
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
