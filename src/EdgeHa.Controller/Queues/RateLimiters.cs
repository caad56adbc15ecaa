namespace EdgeHa.Controller.Queues;

/// <summary>Factory for the rate limiters controllers use by default.</summary>
public static class RateLimiters
{
    /// <summary>Base delay of the per-item backoff (client-go: 5 ms).</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Cap of the per-item backoff (client-go: 1000 s).</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(1000);

    /// <summary>Overall retry rate (client-go: 10 per second).</summary>
    public const double DefaultQps = 10;

    /// <summary>Overall burst (client-go: 100).</summary>
    public const int DefaultBurst = 100;

    /// <summary>
    /// client-go's DefaultControllerRateLimiter: the larger of a per-item exponential backoff (5 ms doubling,
    /// capped at 1000 s) and an overall token bucket (10 qps, burst 100).
    /// </summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider? timeProvider = null)
        where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ItemExponentialFailureRateLimiter<T>(DefaultBaseDelay, DefaultMaxDelay),
            new BucketRateLimiter<T>(DefaultQps, DefaultBurst, timeProvider));
}
