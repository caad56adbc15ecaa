namespace EdgeHa.Collector;

/// <summary>Exponential backoff with jitter: <c>first * 2^(attempt-1)</c> capped at <c>cap</c>, then scaled by 0.5..1 so that retries spread out.</summary>
/// <param name="first">The first wait.</param>
/// <param name="cap">The longest wait.</param>
/// <param name="jitter">Where the jitter comes from (a seeded one in a simulation that must replay).</param>
internal sealed class RetryBackoff(TimeSpan first, TimeSpan cap, Random? jitter = null)
{
    private readonly Random _jitter = jitter ?? new();
    private int _attempt;

    /// <summary>The wait before the next attempt; each call doubles it up to the cap.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt++, 30);
        var ms = Math.Min(cap.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, exponent));
        lock (_jitter)
        {
            return TimeSpan.FromMilliseconds(ms * (0.5 + (_jitter.NextDouble() * 0.5)));
        }
    }

    /// <summary>Starts again from <c>first</c> (after a success).</summary>
    public void Reset() => _attempt = 0;
}
