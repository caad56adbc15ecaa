namespace EdgeHa.Controller.Queues;

/// <summary>
/// An overall token bucket shared by all items (client-go's BucketRateLimiter over golang.org/x/time/rate):
/// <c>burst</c> tokens to start with, refilled at <c>qps</c> per second. Each call reserves one token; when the
/// bucket is empty the reservation is taken from the future and the caller waits until that token exists.
/// </summary>
public sealed class BucketRateLimiter<T> : IRateLimiter<T>
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    public BucketRateLimiter(double qps, int burst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(qps, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        Qps = qps;
        Burst = burst;
        _time = timeProvider ?? TimeProvider.System;
        _tokens = burst;
        _last = _time.GetTimestamp();
    }

    public double Qps { get; }

    public int Burst { get; }

    public TimeSpan When(T item)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_last, now).TotalSeconds;
            _last = now;
            _tokens = Math.Min(Burst, _tokens + (elapsed * Qps));
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Qps);
        }
    }

    /// <summary>The bucket keeps no per-item state.</summary>
    public void Forget(T item)
    {
    }

    /// <summary>The bucket keeps no per-item state.</summary>
    public int NumRequeues(T item) => 0;
}
