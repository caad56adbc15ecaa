using System.Collections.Concurrent;
using EdgeHa.Failover;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Operator.Probes;

/// <summary>
/// Probes each collector pod of each pair on its own <see cref="TimeProvider"/> timer: one probe is SENT every period
/// whether or not earlier ones are still in flight (a heartbeat), each bounded by the timeout, and every result feeds
/// the pod's <see cref="HealthTracker"/> in send order. When a pod's verdict changes (healthy / unhealthy, or a
/// failure run starts or ends) the pair is queued through <c>onVerdictChanged</c>. Pods are identified by uid, so a
/// replaced pod starts with a fresh history; pods no longer listed stop being probed.
/// </summary>
public sealed partial class ProbeScheduler : IAsyncDisposable
{
    private readonly IProbe _probe;
    private readonly TimeProvider _time;
    private readonly OperatorMetrics _metrics;
    private readonly Action<string> _onVerdictChanged;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PodProbeLoop>> _pairs = new(StringComparer.Ordinal);

    public ProbeScheduler(IProbe probe, TimeProvider time, OperatorMetrics metrics, Action<string> onVerdictChanged, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(onVerdictChanged);
        _probe = probe;
        _time = time;
        _metrics = metrics;
        _onVerdictChanged = onVerdictChanged;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How many pods are being probed (all pairs).</summary>
    public int Count => _pairs.Values.Sum(p => p.Count);

    /// <summary>
    /// Makes the set of probed pods of a pair exactly <paramref name="pods"/> (node name -> pod uid and settings).
    /// A pod whose settings changed is restarted with a fresh history.
    /// </summary>
    public void Sync(string pairKey, IReadOnlyDictionary<string, (string PodUid, ProbeSettings Settings)> pods)
    {
        ArgumentException.ThrowIfNullOrEmpty(pairKey);
        ArgumentNullException.ThrowIfNull(pods);
        var loops = _pairs.GetOrAdd(pairKey, _ => new ConcurrentDictionary<string, PodProbeLoop>(StringComparer.Ordinal));
        foreach (var (node, loop) in loops)
        {
            if (!pods.TryGetValue(node, out var wanted) || wanted.PodUid != loop.PodUid || wanted.Settings != loop.Settings)
            {
                if (loops.TryRemove(node, out var removed))
                {
                    removed.Stop();
                }
            }
        }

        foreach (var (node, (uid, settings)) in pods)
        {
            if (!loops.ContainsKey(node))
            {
                var loop = new PodProbeLoop(this, pairKey, node, uid, settings);
                if (loops.TryAdd(node, loop))
                {
                    Log.ProbingStarted(_logger, pairKey, node, settings.Target.ToString());
                    loop.Start();
                }
            }
        }

        if (pods.Count == 0 && _pairs.TryRemove(pairKey, out var empty))
        {
            StopAll(empty);
        }
    }

    /// <summary>The verdict for the pod <paramref name="podUid"/> on <paramref name="node"/>; Unknown when it is not probed.</summary>
    public HealthSnapshot Snapshot(string pairKey, string node, string podUid)
    {
        if (_pairs.TryGetValue(pairKey, out var loops) && loops.TryGetValue(node, out var loop) && loop.PodUid == podUid)
        {
            return loop.Tracker.Evaluate(_time.GetUtcNow());
        }

        return HealthSnapshot.Unknown;
    }

    /// <summary>Stops probing every pod of a pair.</summary>
    public void Remove(string pairKey)
    {
        if (_pairs.TryRemove(pairKey, out var loops))
        {
            StopAll(loops);
        }
    }

    /// <summary>Stops every probe (leadership lost).</summary>
    public void Clear()
    {
        foreach (var key in _pairs.Keys.ToList())
        {
            Remove(key);
        }
    }

    public ValueTask DisposeAsync()
    {
        Clear();
        return ValueTask.CompletedTask;
    }

    private static void StopAll(ConcurrentDictionary<string, PodProbeLoop> loops)
    {
        foreach (var loop in loops.Values)
        {
            loop.Stop();
        }

        loops.Clear();
    }

    private sealed class PodProbeLoop(ProbeScheduler owner, string pairKey, string node, string podUid, ProbeSettings settings)
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private ITimer? _timer;
        private (bool? Healthy, bool Failing) _lastVerdict;

        public string PodUid { get; } = podUid;

        public ProbeSettings Settings { get; } = settings;

        public SynchronizedHealthTracker Tracker { get; } = new(new HealthTracker(settings.FailureThreshold, settings.SuccessThreshold, settings.Timeout));

        public void Start()
        {
            // The first probe goes out at once, then one every period, independent of answers.
            _timer = owner._time.CreateTimer(_ => Send(), null, TimeSpan.Zero, Settings.Period);
        }

        public void Stop()
        {
            lock (_gate)
            {
                _timer?.Dispose();
                _timer = null;
            }

            _stop.Cancel();
        }

        private void Send()
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            var sentAt = owner._time.GetUtcNow();
            Tracker.RecordSent(sentAt);
            _ = ProbeOnceAsync(sentAt);
        }

        private async Task ProbeOnceAsync(DateTimeOffset sentAt)
        {
            var started = owner._time.GetTimestamp();
            ProbeOutcome outcome;
            bool timedOut;
            using (var timeout = new CancellationTokenSource(Settings.Timeout, owner._time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token))
            {
                try
                {
                    outcome = await owner._probe.ProbeAsync(Settings.Target, linked.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // IProbe promises not to throw for a failing pod; a bug in one must still count as a failure.
                    outcome = ProbeOutcome.Fail(e.Message);
                }

                timedOut = timeout.IsCancellationRequested;
            }

            if (_stop.IsCancellationRequested)
            {
                return;
            }

            var elapsed = owner._time.GetElapsedTime(started);
            var success = outcome.Success && !timedOut;
            var (ns, name) = SplitKey(pairKey);
            owner._metrics.RecordProbe(ns, name, node, success ? "success" : timedOut ? "timeout" : "failure", elapsed);
            var snapshot = Tracker.RecordResult(sentAt, success, owner._time.GetUtcNow());
            var verdict = (snapshot.Healthy, snapshot.ConsecutiveFailures > 0);
            bool changed;
            lock (_gate)
            {
                changed = verdict != _lastVerdict;
                _lastVerdict = verdict;
            }

            if (changed)
            {
                Log.VerdictChanged(owner._logger, pairKey, node, snapshot.Healthy, snapshot.ConsecutiveFailures, success ? "ok" : outcome.Message);
                owner._onVerdictChanged(pairKey);
            }
        }

        private static (string Namespace, string Name) SplitKey(string key)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Pair {Pair}: probing {Node} at {Target}")]
        public static partial void ProbingStarted(ILogger logger, string pair, string node, string target);

        [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: probe verdict of {Node} is healthy={Healthy} ({Failures} consecutive failures; last: {Detail})")]
        public static partial void VerdictChanged(ILogger logger, string pair, string node, bool? healthy, int failures, string detail);
    }
}
