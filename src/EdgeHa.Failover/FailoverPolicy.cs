namespace EdgeHa.Failover;

/// <summary>
/// The numbers and modes of a pair's spec that the engine needs, with the API contract's defaults.
/// The operator maps the RedundantPair spec to this record in one place; the engine never sees API types.
/// </summary>
public sealed record FailoverPolicy
{
    /// <summary>The contract's defaults: SCADA-style heartbeat 1000 ms / 3000 ms / 3 misses, cold standby, automatic fail-back.</summary>
    public static FailoverPolicy Default { get; } = new();

    /// <summary>Cold (standby stopped) or Hot (standby runs in standby role). Contract default Cold.</summary>
    public StandbyMode StandbyMode { get; init; } = StandbyMode.Cold;

    /// <summary>A probe is sent every period, regardless of probes in flight (healthCheck.periodMilliseconds, default 1000).</summary>
    public TimeSpan ProbePeriod { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>A probe with no answer within this time is a failure (healthCheck.timeoutMilliseconds, default 3000).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(3000);

    /// <summary>Consecutive failed probes, in send order, that make a side unhealthy (default 3).</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Consecutive good probes that make a side healthy again (default 1).</summary>
    public int SuccessThreshold { get; init; } = 1;

    /// <summary>How long a detected failure must persist before the engine acts (failover.delayMilliseconds, default 0).</summary>
    public TimeSpan FailoverDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Automatic or manual fail-back (default Automatic).</summary>
    public FailbackMode Failback { get; init; } = FailbackMode.Automatic;

    /// <summary>The primary must be eligible this long before an automatic fail-back (default 30 s).</summary>
    public TimeSpan FailbackStabilization { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After the operator (leader) starts, how long it observes before acting (default 5 s).</summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a pair with no active node waits for its primary before promoting the standby (failover.joinTimeoutSeconds, default 120 s).</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Duration of the pair Lease held by the acting collector (fencing.leaseDurationMilliseconds, default 3000).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMilliseconds(3000);

    /// <summary>How often the holder renews the Lease (fencing.renewIntervalMilliseconds, default 1000).</summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>A new holder is granted only after old expiry plus this margin (fencing.clockSkewMarginMilliseconds, default 500).</summary>
    public TimeSpan ClockSkewMargin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A node whose kube-node-lease Lease is older than this is failed (nodeHealth.nodeLeaseStaleSeconds, default 15).</summary>
    public TimeSpan NodeLeaseStale { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Maintenance: no automatic action at all.</summary>
    public bool Paused { get; init; }

    /// <summary>
    /// Checks the rules the engine relies on (the same ranges and cross-field rules as the API contract).
    /// Returns one message per problem, naming the field; empty when the policy is usable.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Range(errors, "healthCheck.periodMilliseconds", ProbePeriod, 100, 60_000);
        Range(errors, "healthCheck.timeoutMilliseconds", ProbeTimeout, 50, 60_000);
        Range(errors, "healthCheck.failureThreshold", FailureThreshold, 1, 10);
        Range(errors, "healthCheck.successThreshold", SuccessThreshold, 1, 10);
        Range(errors, "failover.delayMilliseconds", FailoverDelay, 0, 60_000);
        Range(errors, "failover.failbackStabilizationSeconds", FailbackStabilization, 0, 3_600_000);
        Range(errors, "failover.startupGraceSeconds", StartupGrace, 0, 600_000);
        Range(errors, "failover.joinTimeoutSeconds", JoinTimeout, 0, 3_600_000);
        Range(errors, "fencing.leaseDurationMilliseconds", LeaseDuration, 500, 60_000);
        Range(errors, "fencing.renewIntervalMilliseconds", RenewInterval, 100, 30_000);
        Range(errors, "fencing.clockSkewMarginMilliseconds", ClockSkewMargin, 0, 10_000);
        Range(errors, "nodeHealth.nodeLeaseStaleSeconds", NodeLeaseStale, 5_000, 300_000);
        if (FailureThreshold >= 1 && ProbeTimeout > ProbePeriod * FailureThreshold)
        {
            errors.Add($"healthCheck.timeoutMilliseconds: {ProbeTimeout.TotalMilliseconds:0} must be at most periodMilliseconds x failureThreshold ({(ProbePeriod * FailureThreshold).TotalMilliseconds:0})");
        }

        if (RenewInterval >= LeaseDuration - ClockSkewMargin)
        {
            errors.Add($"fencing.renewIntervalMilliseconds: {RenewInterval.TotalMilliseconds:0} must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds ({(LeaseDuration - ClockSkewMargin).TotalMilliseconds:0}), the holder's acting window");
        }

        if (!Enum.IsDefined(StandbyMode))
        {
            errors.Add($"standbyMode: '{StandbyMode}' is not Cold or Hot");
        }

        if (!Enum.IsDefined(Failback))
        {
            errors.Add($"failover.failback: '{Failback}' is not Automatic or Manual");
        }

        return errors;
    }

    private static void Range(List<string> errors, string field, TimeSpan value, long minMs, long maxMs)
    {
        if (value < TimeSpan.FromMilliseconds(minMs) || value > TimeSpan.FromMilliseconds(maxMs))
        {
            errors.Add($"{field}: {value.TotalMilliseconds:0} ms is outside {minMs}..{maxMs} ms");
        }
    }

    private static void Range(List<string> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{field}: {value} is outside {min}..{max}");
        }
    }
}
