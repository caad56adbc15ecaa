namespace EdgeHa.Kube.Config;

/// <summary>
/// Retries of retryable answers (429, 500, 502, 503, 504, connection errors, timeouts) with exponential backoff and
/// full jitter, honouring Retry-After. Only safe verbs are retried on 5xx and connection errors (GET, LIST, DELETE,
/// PUT with a resourceVersion); POST and PATCH are retried only on 429, or 503 with Retry-After, when the server
/// says it did not act.
/// </summary>
public sealed record KubeRetryPolicy
{
    /// <summary>Attempts including the first; 1 disables retries.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first backoff; doubles each attempt.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The cap of one backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The cap of a server's Retry-After (a longer one is shortened to this).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No retries at all.</summary>
    public static KubeRetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>The delay before retry number <paramref name="attempt"/> (1 = first retry): a uniform random value in [d/2, d] with d = min(max, base * 2^(attempt-1)).</summary>
    public TimeSpan Backoff(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        // Equal jitter: keeps at least half the backoff so retries of many clients spread without collapsing to zero.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }
}
