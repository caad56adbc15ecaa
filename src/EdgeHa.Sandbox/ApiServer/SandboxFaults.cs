namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Fault injection for the sandbox API server, changeable at any time (in-process or through
/// <c>POST /sandbox/faults</c>). Rates draw from a seeded <see cref="Random"/>, so a test run is repeatable.
/// Faults apply to resource requests only, never to discovery, /version or the /sandbox admin endpoints.
/// </summary>
public sealed class SandboxFaults
{
    private readonly Lock _gate = new();
    private Random _random;
    private int _seed;

    internal SandboxFaults(int seed)
    {
        _seed = seed;
        _random = new Random(seed);
    }

    internal event Action? DropWatchesRequested;

    internal event Action? CompactRequested;

    /// <summary>Added before every resource request is served.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Fraction (0..1) of resource requests answered with <see cref="ErrorStatusCode"/>.</summary>
    public double ErrorRate { get; set; }

    /// <summary>The injected error: 500, 503 or 429 (429 and 503 carry Retry-After).</summary>
    public int ErrorStatusCode { get; set; } = 500;

    /// <summary>Seconds sent in Retry-After with injected 429 and 503 answers.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Fraction (0..1) of updates, patches and status writes answered with 409 Conflict.</summary>
    public double ConflictRate { get; set; }

    /// <summary>The seed of the fault dice; setting it restarts the sequence.</summary>
    public int Seed
    {
        get => _seed;
        set
        {
            lock (_gate)
            {
                _seed = value;
                _random = new Random(value);
            }
        }
    }

    /// <summary>Ends every open watch connection now (clients see a clean end of stream).</summary>
    public void DropWatches() => DropWatchesRequested?.Invoke();

    /// <summary>Forgets the watch history: resuming from any earlier resourceVersion gets 410 Gone.</summary>
    public void ExpireWatchHistory() => CompactRequested?.Invoke();

    /// <summary>Clears every fault rate and the latency.</summary>
    public void Reset()
    {
        Latency = TimeSpan.Zero;
        ErrorRate = 0;
        ConflictRate = 0;
        ErrorStatusCode = 500;
        RetryAfterSeconds = 1;
    }

    internal bool Roll(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_gate)
        {
            return _random.NextDouble() < rate;
        }
    }
}
