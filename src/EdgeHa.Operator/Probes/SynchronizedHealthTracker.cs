using EdgeHa.Failover;

namespace EdgeHa.Operator.Probes;

/// <summary>A <see cref="HealthTracker"/> shared by probe completions (thread pool) and the reconciler.</summary>
public sealed class SynchronizedHealthTracker(HealthTracker inner)
{
    private readonly Lock _gate = new();

    public void RecordSent(DateTimeOffset sentAt)
    {
        lock (_gate)
        {
            inner.RecordSent(sentAt);
        }
    }

    /// <summary>Records an answer and returns the verdict at <paramref name="answeredAt"/>.</summary>
    public HealthSnapshot RecordResult(DateTimeOffset sentAt, bool success, DateTimeOffset answeredAt)
    {
        lock (_gate)
        {
            inner.RecordResult(sentAt, success, answeredAt);
            return inner.Evaluate(answeredAt);
        }
    }

    public HealthSnapshot Evaluate(DateTimeOffset now)
    {
        lock (_gate)
        {
            return inner.Evaluate(now);
        }
    }
}
