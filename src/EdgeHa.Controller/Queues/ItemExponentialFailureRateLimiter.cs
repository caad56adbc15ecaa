namespace EdgeHa.Controller.Queues;

/// <summary>
/// Per-item exponential backoff: the n-th retry of an item (counting from 0) waits <c>baseDelay * 2^n</c>,
/// capped at <c>maxDelay</c>. Same numbers as client-go's ItemExponentialFailureRateLimiter.
/// </summary>
public sealed class ItemExponentialFailureRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<T, int> _failures = [];

    public ItemExponentialFailureRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    public TimeSpan When(T item)
    {
        int exp;
        lock (_gate)
        {
            _failures.TryGetValue(item, out exp);
            _failures[item] = exp == int.MaxValue ? exp : exp + 1;
        }

        // Computed in double so large exponents saturate at the cap instead of overflowing.
        var ticks = BaseDelay.Ticks * Math.Pow(2, exp);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public void Forget(T item)
    {
        lock (_gate)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(T item)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}
