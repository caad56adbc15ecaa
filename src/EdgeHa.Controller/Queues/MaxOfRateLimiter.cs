namespace EdgeHa.Controller.Queues;

/// <summary>Combines limiters: an item waits for the longest of their delays (client-go's MaxOfRateLimiter).</summary>
public sealed class MaxOfRateLimiter<T> : IRateLimiter<T>
{
    private readonly IRateLimiter<T>[] _limiters;

    public MaxOfRateLimiter(params IRateLimiter<T>[] limiters)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        ArgumentOutOfRangeException.ThrowIfZero(limiters.Length);
        _limiters = limiters;
    }

    public TimeSpan When(T item)
    {
        var max = TimeSpan.Zero;
        foreach (var limiter in _limiters)
        {
            // Every limiter must see the call: each one records the retry.
            var delay = limiter.When(item);
            if (delay > max)
            {
                max = delay;
            }
        }

        return max;
    }

    public void Forget(T item)
    {
        foreach (var limiter in _limiters)
        {
            limiter.Forget(item);
        }
    }

    public int NumRequeues(T item) => _limiters.Max(l => l.NumRequeues(item));
}
