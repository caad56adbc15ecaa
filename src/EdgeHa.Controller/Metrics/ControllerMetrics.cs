using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EdgeHa.Controller.Metrics;

/// <summary>
/// The instruments of the controller runtime, named as client-go and controller-runtime name them so existing
/// dashboards work: <c>workqueue_*</c>, <c>controller_runtime_*</c>, <c>leader_election_master_status</c> (plus <c>leader_election_renew_errors_total</c>).
/// One instance per <see cref="Meter"/>; <see cref="Default"/> uses the meter <see cref="MeterName"/>.
/// Tests pass their own meter so parallel tests do not share series. The names already end in <c>_total</c> /
/// <c>_seconds</c>, so the Prometheus exporter (EdgeHa.Hosting.PrometheusMetrics) keeps them as they are.
/// </summary>
public sealed class ControllerMetrics
{
    /// <summary>The name of the default meter.</summary>
    public const string MeterName = "EdgeHa.Controller";

    /// <summary>client-go's workqueue buckets: ExponentialBuckets(10e-9, 10, 10) = 1e-8 s .. 10 s.</summary>
    public static readonly IReadOnlyList<double> WorkQueueBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10];

    /// <summary>controller-runtime's reconcile_time_seconds buckets (abridged).</summary>
    public static readonly IReadOnlyList<double> ReconcileBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 20, 30, 60];

    private static readonly Lazy<ControllerMetrics> LazyDefault = new(() => new ControllerMetrics(new Meter(MeterName)));

    private readonly ConcurrentDictionary<object, Func<QueueProcessingTimes>> _queues = new();

    public ControllerMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Meter = meter;

        QueueDepth = meter.CreateUpDownCounter<long>("workqueue_depth", description: "Current depth of workqueue");
        QueueAdds = meter.CreateCounter<long>("workqueue_adds_total", description: "Total number of adds handled by workqueue");
        QueueRetries = meter.CreateCounter<long>("workqueue_retries_total", description: "Total number of retries handled by workqueue");
        QueueDuration = meter.CreateHistogram(
            "workqueue_queue_duration_seconds",
            unit: "s",
            description: "How long in seconds an item stays in workqueue before being requested",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WorkQueueBuckets });
        WorkDuration = meter.CreateHistogram(
            "workqueue_work_duration_seconds",
            unit: "s",
            description: "How long in seconds processing an item from workqueue takes",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WorkQueueBuckets });
        meter.CreateObservableGauge(
            "workqueue_unfinished_work_seconds",
            () => ObserveQueues(static t => t.Unfinished),
            unit: "s",
            description: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads.");
        meter.CreateObservableGauge(
            "workqueue_longest_running_processor_seconds",
            () => ObserveQueues(static t => t.Longest),
            unit: "s",
            description: "How many seconds has the longest running processor for workqueue been running");

        ReconcileTotal = meter.CreateCounter<long>("controller_runtime_reconcile_total", description: "Total number of reconciliations per controller");
        ReconcileErrors = meter.CreateCounter<long>("controller_runtime_reconcile_errors_total", description: "Total number of reconciliation errors per controller");
        TerminalReconcileErrors = meter.CreateCounter<long>(
            "controller_runtime_terminal_reconcile_errors_total",
            description: "Total number of terminal reconciliation errors per controller");
        ReconcileTime = meter.CreateHistogram(
            "controller_runtime_reconcile_time_seconds",
            unit: "s",
            description: "Length of time per reconciliation per controller",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ReconcileBuckets });
        ActiveWorkers = meter.CreateUpDownCounter<long>(
            "controller_runtime_active_workers",
            description: "Number of currently used workers per controller");
        MaxConcurrentReconciles = meter.CreateGauge<long>(
            "controller_runtime_max_concurrent_reconciles",
            description: "Maximum number of concurrent reconciles per controller");

        LeaderStatus = meter.CreateGauge<long>(
            "leader_election_master_status",
            description: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease.");
        // Not in client-go: a leader that keeps failing to renew is about to lose the lease; this shows it coming.
        LeaderRenewErrors = meter.CreateCounter<long>(
            "leader_election_renew_errors_total",
            description: "Failed attempts of the leader to renew its lease ('name' identifies the lease); leadership ends once they last the renew deadline.");
    }

    /// <summary>The process-wide instance on the meter <see cref="MeterName"/>.</summary>
    public static ControllerMetrics Default => LazyDefault.Value;

    public Meter Meter { get; }

    internal UpDownCounter<long> QueueDepth { get; }

    internal Counter<long> QueueAdds { get; }

    internal Counter<long> QueueRetries { get; }

    internal Histogram<double> QueueDuration { get; }

    internal Histogram<double> WorkDuration { get; }

    internal Counter<long> ReconcileTotal { get; }

    internal Counter<long> ReconcileErrors { get; }

    internal Counter<long> TerminalReconcileErrors { get; }

    internal Histogram<double> ReconcileTime { get; }

    internal UpDownCounter<long> ActiveWorkers { get; }

    internal Gauge<long> MaxConcurrentReconciles { get; }

    internal Gauge<long> LeaderStatus { get; }

    internal Counter<long> LeaderRenewErrors { get; }

    /// <summary>Registers a live queue for the observable gauges; the queue unregisters when it shuts down.</summary>
    internal void RegisterQueue(object queue, Func<QueueProcessingTimes> times) => _queues[queue] = times;

    internal void UnregisterQueue(object queue) => _queues.TryRemove(queue, out _);

    private IEnumerable<Measurement<double>> ObserveQueues(Func<QueueProcessingTimes, double> select)
    {
        foreach (var times in _queues.Values)
        {
            var t = times();
            yield return new Measurement<double>(select(t), new KeyValuePair<string, object?>("name", t.Name), new KeyValuePair<string, object?>("controller", t.Name));
        }
    }
}

/// <summary>A snapshot of a queue's in-progress work for the observable gauges.</summary>
internal readonly record struct QueueProcessingTimes(string Name, double Unfinished, double Longest);
