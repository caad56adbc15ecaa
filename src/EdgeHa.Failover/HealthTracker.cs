namespace EdgeHa.Failover;

/// <summary>
/// Turns timestamped probe results into a healthy/unhealthy verdict, counting in SEND order.
/// Probes are sent every period whether or not earlier ones are still in flight (a heartbeat); a probe that has no
/// answer within the timeout, or whose answer arrives late, is a failure resolved at sent-at + timeout.
/// A probe still in flight blocks the probes sent after it from being counted, so the count is always in send order.
/// Pure: time comes only from the arguments.
/// </summary>
public sealed class HealthTracker
{
    /// <summary>More unanswered probes than this are resolved early as failures, so a dead side cannot grow memory.</summary>
    internal const int MaxPending = 256;

    private readonly List<(DateTimeOffset SentAt, bool? Success, DateTimeOffset ResolvedAt)> _pending = [];
    private HealthSnapshot _snapshot = HealthSnapshot.Unknown;
    private DateTimeOffset? _lastResolvedAt;

    public HealthTracker(int failureThreshold, int successThreshold, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failureThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(successThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        FailureThreshold = failureThreshold;
        SuccessThreshold = successThreshold;
        Timeout = timeout;
    }

    public HealthTracker(FailoverPolicy policy)
        : this(policy.FailureThreshold, policy.SuccessThreshold, policy.ProbeTimeout)
    {
    }

    public int FailureThreshold { get; }

    public int SuccessThreshold { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The earliest time an in-flight probe times out; the caller re-evaluates then. Null when none is in flight.</summary>
    public DateTimeOffset? NextDeadline => _pending.Count == 0 ? null : _pending[0].SentAt + Timeout;

    /// <summary>Records that a probe was sent at <paramref name="sentAt"/>.</summary>
    public void RecordSent(DateTimeOffset sentAt)
    {
        if (_snapshot.LastProbeAt is { } last && sentAt <= last)
        {
            return; // already resolved: a duplicate or out-of-order send is ignored
        }

        var index = _pending.FindIndex(p => p.SentAt >= sentAt);
        if (index >= 0 && _pending[index].SentAt == sentAt)
        {
            return;
        }

        _pending.Insert(index < 0 ? _pending.Count : index, (sentAt, null, sentAt + Timeout));
        while (_pending.Count > MaxPending)
        {
            Resolve(_pending[0].SentAt, false, _pending[0].SentAt + Timeout);
            _pending.RemoveAt(0);
        }
    }

    /// <summary>
    /// Records the answer to the probe sent at <paramref name="sentAt"/>. An answer after the timeout counts as a failure.
    /// A result for a probe never recorded as sent is recorded as sent first.
    /// </summary>
    public void RecordResult(DateTimeOffset sentAt, bool success, DateTimeOffset answeredAt)
    {
        RecordSent(sentAt);
        var index = _pending.FindIndex(p => p.SentAt == sentAt);
        if (index < 0)
        {
            return; // resolved already (timed out)
        }

        var good = success && answeredAt - sentAt <= Timeout;
        var resolvedAt = good ? answeredAt : Min(answeredAt, sentAt + Timeout);
        _pending[index] = (sentAt, good, resolvedAt);
    }

    /// <summary>Resolves every probe it can at <paramref name="now"/>, in send order, and returns the verdict.</summary>
    public HealthSnapshot Evaluate(DateTimeOffset now)
    {
        while (_pending.Count > 0)
        {
            var (sentAt, success, resolvedAt) = _pending[0];
            if (success is { } s)
            {
                // Answered, and every probe sent before it is resolved: it counts now, stamped with its answer time
                // (or later, if an earlier probe held it back).
                Resolve(sentAt, s, resolvedAt);
            }
            else if (now >= sentAt + Timeout)
            {
                Resolve(sentAt, false, sentAt + Timeout);
            }
            else
            {
                break;
            }

            _pending.RemoveAt(0);
        }

        return _snapshot;
    }

    /// <summary>Forgets all history (for example when the pod is replaced).</summary>
    public void Reset()
    {
        _pending.Clear();
        _snapshot = HealthSnapshot.Unknown;
        _lastResolvedAt = null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Resolve(DateTimeOffset sentAt, bool success, DateTimeOffset resolvedAt)
    {
        resolvedAt = _lastResolvedAt is { } last ? Max(resolvedAt, last) : resolvedAt;
        _lastResolvedAt = resolvedAt;
        var s = _snapshot;
        if (success)
        {
            var successes = s.ConsecutiveSuccesses + 1;
            var healthy = s.Healthy;
            var healthySince = s.HealthySince;
            if (successes >= SuccessThreshold && healthy != true)
            {
                healthy = true;
                healthySince = resolvedAt;
            }

            _snapshot = s with
            {
                Healthy = healthy,
                ConsecutiveSuccesses = successes,
                ConsecutiveFailures = 0,
                FirstFailureAt = null,
                HealthySince = healthySince,
                UnhealthySince = healthy == true ? null : s.UnhealthySince,
                LastProbeAt = sentAt,
            };
        }
        else
        {
            var failures = s.ConsecutiveFailures + 1;
            var healthy = s.Healthy;
            var unhealthySince = s.UnhealthySince;
            if (failures >= FailureThreshold && healthy != false)
            {
                healthy = false;
                unhealthySince = resolvedAt;
            }

            _snapshot = s with
            {
                Healthy = healthy,
                ConsecutiveFailures = failures,
                ConsecutiveSuccesses = 0,
                FirstFailureAt = s.FirstFailureAt ?? sentAt,
                UnhealthySince = unhealthySince,
                HealthySince = healthy == false ? null : s.HealthySince,
                LastProbeAt = sentAt,
            };
        }
    }
}
