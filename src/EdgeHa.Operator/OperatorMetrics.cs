using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeHa.Api;

namespace EdgeHa.Operator;

/// <summary>
/// The operator's own instruments on the meter <see cref="MeterName"/>: failovers, switch durations, which node is
/// active, degraded pairs, each pair's phase, failure detection times, the end-to-end data check and the probes. Gauges
/// are observable and read from the latest values the reconciler reported (the phase: from the pairs the leader's cache
/// holds), so a deleted pair's series disappear.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "EdgeHa.Operator";

    /// <summary>
    /// The series limit of each of these instruments (the exporter's default, 2,000, is less than 1,000 pairs need:
    /// 11 failover reasons, 2 nodes x 3 probe results, 6 phases per pair); room for 1,400 pairs. The exporter allocates
    /// the points up front: measured, 9 counters cost 13.3 MiB at this limit against 1.7 MiB at 2,000.
    /// </summary>
    public const int PairSeriesLimit = 16_384;

    // 1.5 s and 2 s: switches and probes of a loaded cluster fall there, and without them a 1.2 s switch read as p95 2.4 s.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 5, 10, 30];

    /// <summary>Detection is probe period x threshold + delay: hundreds of milliseconds to tens of seconds.</summary>
    private static readonly double[] DetectionBuckets = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 60];

    /// <summary>The transitions nobody had to detect (their detection time is zero by definition).</summary>
    private static readonly HashSet<string> PlannedReasons = new(StringComparer.Ordinal) { "InitialPromotion", "SwitchoverRequested", "ActiveNodeCordoned", "Failback" };

    /// <summary>
    /// The reasons FailoverEngine promotes with (ActiveFailure's and the planned ones): each pair's failover counter
    /// starts at zero for them, so increase() sees a pair's first failover too (a series born at 1 shows no increase).
    /// </summary>
    private static readonly string[] PromotionReasons =
    [
        "NodeGone", "NodeNotReady", "NodeLeaseStale", "PodGone", "PodNotReady", "ProbeFailed", "LeaseRenewalStale", "DeviceUnreachableFromActive",
        "SwitchoverRequested", "ActiveNodeCordoned", "Failback",
    ];

    private static readonly PairPhase[] Phases = Enum.GetValues<PairPhase>();
    private readonly ConcurrentDictionary<(string Namespace, string Name), byte> _initialised = new();
    private Func<IEnumerable<RedundantPair>> _pairs = static () => [];
    private readonly ConcurrentDictionary<(string Namespace, string Name), string> _active = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), bool> _degraded = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), bool> _dataFlowing = new();

    public OperatorMetrics(Meter? meter = null)
    {
        Meter = meter ?? new Meter(MeterName, "1.0");
        Failovers = Meter.CreateCounter<long>("redundantpair_failovers_total", description: "Promotions of a pair's other node, by reason.");
        FailoverDuration = Meter.CreateHistogram(
            "redundantpair_failover_duration_seconds",
            unit: "s",
            description: "From the failover decision to the new holder's confirming renewal with the VIP Service routed to it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        ProbeTotal = Meter.CreateCounter<long>("redundantpair_probe_total", description: "Health probes sent to collector pods, by result (success, failure, timeout).");
        ProbeDuration = Meter.CreateHistogram(
            "redundantpair_probe_duration_seconds",
            unit: "s",
            description: "Health probe latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Meter.CreateObservableGauge(
            "redundantpair_active_info",
            () => _active.Select(kv => new Measurement<long>(1, Tag("namespace", kv.Key.Namespace), Tag("name", kv.Key.Name), Tag("node", kv.Value))),
            description: "1 for the node that is active for each pair.");
        Meter.CreateObservableGauge(
            "redundantpair_degraded",
            () => _degraded.Select(kv => new Measurement<long>(kv.Value ? 1 : 0, Tag("namespace", kv.Key.Namespace), Tag("name", kv.Key.Name))),
            description: "1 while the pair has no redundancy or no side can serve.");
        FailureDetection = Meter.CreateHistogram(
            "redundantpair_failure_detection_seconds",
            unit: "s",
            description: "From the onset of the active side's failure to the failover decision (status.lastTransition.detectionMilliseconds), unplanned failovers only.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DetectionBuckets });
        Meter.CreateObservableGauge(
            "redundantpair_status_phase",
            ObservePhases,
            description: "1 for the pair's status.phase, 0 for the other phases (as kube_pod_status_phase); pairs without a phase yet report 0 for all.");
        Meter.CreateObservableGauge(
            "dotnet_gc_last_collection_heap_size_bytes",
            static () => GC.GetGCMemoryInfo().HeapSizeBytes,
            unit: "By",
            description: "The managed heap size after the last garbage collection (the runtime's dotnet.gc.last_collection.heap.size, all generations): the operator's memory without what the GC has reserved but not used.");
        Meter.CreateObservableGauge(
            "redundantpair_end_to_end_data_flowing",
            () => _dataFlowing.Select(kv => new Measurement<long>(kv.Value ? 1 : 0, Tag("namespace", kv.Key.Namespace), Tag("name", kv.Key.Name))),
            description: "1 while the active collector publishes advancing sequence numbers (pairs with a simulator).");
    }

    public Meter Meter { get; }

    internal Counter<long> Failovers { get; }

    internal Histogram<double> FailoverDuration { get; }

    internal Histogram<double> FailureDetection { get; }

    internal Counter<long> ProbeTotal { get; }

    internal Histogram<double> ProbeDuration { get; }

    /// <summary>Reports the pair's active node (null: none) and whether it is degraded.</summary>
    public void SetPairState(string @namespace, string name, string? activeNode, bool degraded)
    {
        if (_initialised.TryAdd((@namespace, name), 0))
        {
            InitialiseSeries(@namespace, name);
        }

        if (activeNode is null)
        {
            _active.TryRemove((@namespace, name), out _);
        }
        else
        {
            _active[(@namespace, name)] = activeNode;
        }

        _degraded[(@namespace, name)] = degraded;
    }

    /// <summary>Reports the end-to-end check's outcome.</summary>
    public void SetDataFlowing(string @namespace, string name, bool flowing) => _dataFlowing[(@namespace, name)] = flowing;

    /// <summary>
    /// Where the phase gauge reads the pairs at each scrape: the leader's informer cache (empty while not leading, so
    /// only the leader reports phases, as only it reports the other pair series).
    /// </summary>
    public void ObservePairs(Func<IEnumerable<RedundantPair>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        _pairs = pairs;
    }

    /// <summary>
    /// Records the detection time of a failover seen as a change of status.lastTransition between two versions of a
    /// pair (an informer update). A transition is recorded once: later writes of the same transition (its switch time)
    /// keep its time; planned transitions are skipped.
    /// </summary>
    public void ObserveTransition(RedundantPair? before, RedundantPair after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (after.Status?.LastTransition is not { Time: { } time, DetectionMilliseconds: { } detection, Reason: { } reason }
            || before?.Status?.LastTransition?.Time == time
            || PlannedReasons.Contains(reason))
        {
            return;
        }

        FailureDetection.Record(detection / 1000.0, Tag("namespace", after.Metadata.Namespace ?? ""), Tag("name", after.Metadata.Name ?? ""));
    }

    /// <summary>Drops every series of a pair that went away.</summary>
    public void Forget(string @namespace, string name)
    {
        _active.TryRemove((@namespace, name), out _);
        _degraded.TryRemove((@namespace, name), out _);
        _dataFlowing.TryRemove((@namespace, name), out _);
        _initialised.TryRemove((@namespace, name), out _);
    }

    internal void CountFailover(string @namespace, string name, string reason) =>
        Failovers.Add(1, Tag("namespace", @namespace), Tag("name", name), Tag("reason", reason));

    internal void RecordSwitch(string @namespace, string name, TimeSpan duration) =>
        FailoverDuration.Record(duration.TotalSeconds, Tag("namespace", @namespace), Tag("name", name));

    internal void RecordProbe(string @namespace, string name, string node, string result, TimeSpan duration)
    {
        ProbeTotal.Add(1, Tag("namespace", @namespace), Tag("name", name), Tag("node", node), Tag("result", result));
        ProbeDuration.Record(duration.TotalSeconds, Tag("namespace", @namespace), Tag("name", name), Tag("node", node));
    }

    /// <summary>
    /// Creates a pair's failover counters at zero (an Add(0) creates the series). The histograms are not: OpenTelemetry
    /// has no measurement that creates a histogram series without counting an observation (a NaN one is counted and
    /// turns the sum into NaN), so their series start at a pair's first failover.
    /// </summary>
    private void InitialiseSeries(string @namespace, string name)
    {
        foreach (var reason in PromotionReasons)
        {
            Failovers.Add(0, Tag("namespace", @namespace), Tag("name", name), Tag("reason", reason));
        }
    }

    private IEnumerable<Measurement<long>> ObservePhases()
    {
        foreach (var pair in _pairs())
        {
            var ns = Tag("namespace", pair.Metadata.Namespace ?? "");
            var name = Tag("name", pair.Metadata.Name ?? "");
            foreach (var phase in Phases)
            {
                yield return new Measurement<long>(pair.Status?.Phase == phase ? 1 : 0, ns, name, Tag("phase", phase.ToString()));
            }
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    public void Dispose() => Meter.Dispose();
}
