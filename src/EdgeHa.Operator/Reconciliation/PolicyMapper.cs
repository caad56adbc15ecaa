using EdgeHa.Api;
using EdgeHa.Fencing;
using FailoverModel = EdgeHa.Failover;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>The one place where a RedundantPair spec becomes the engine's <see cref="FailoverModel.FailoverPolicy"/> and the fencing terms.</summary>
public static class PolicyMapper
{
    /// <summary>Maps a defaulted spec (<see cref="Api.Validation.RedundantPairDefaults.Apply"/>) to the engine's policy.</summary>
    public static FailoverModel.FailoverPolicy Map(RedundantPairSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new FailoverModel.FailoverPolicy
        {
            StandbyMode = spec.StandbyMode == StandbyMode.Hot ? FailoverModel.StandbyMode.Hot : FailoverModel.StandbyMode.Cold,
            ProbePeriod = TimeSpan.FromMilliseconds(spec.HealthCheck.PeriodMilliseconds),
            ProbeTimeout = TimeSpan.FromMilliseconds(spec.HealthCheck.TimeoutMilliseconds),
            FailureThreshold = spec.HealthCheck.FailureThreshold,
            SuccessThreshold = spec.HealthCheck.SuccessThreshold,
            FailoverDelay = TimeSpan.FromMilliseconds(spec.Failover.DelayMilliseconds),
            Failback = spec.Failover.Failback == FailbackMode.Manual ? FailoverModel.FailbackMode.Manual : FailoverModel.FailbackMode.Automatic,
            FailbackStabilization = TimeSpan.FromSeconds(spec.Failover.FailbackStabilizationSeconds),
            StartupGrace = TimeSpan.FromSeconds(spec.Failover.StartupGraceSeconds),
            JoinTimeout = TimeSpan.FromSeconds(spec.Failover.JoinTimeoutSeconds),
            LeaseDuration = TimeSpan.FromMilliseconds(spec.Fencing.LeaseDurationMilliseconds),
            RenewInterval = TimeSpan.FromMilliseconds(spec.Fencing.RenewIntervalMilliseconds),
            ClockSkewMargin = TimeSpan.FromMilliseconds(spec.Fencing.ClockSkewMarginMilliseconds),
            NodeLeaseStale = TimeSpan.FromSeconds(spec.NodeHealth.NodeLeaseStaleSeconds),
            Paused = spec.Paused,
        };
    }

    /// <summary>The terms the operator writes on the pair Lease for the holder.</summary>
    public static LeaseTerms Terms(RedundantPairSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new LeaseTerms(
            TimeSpan.FromMilliseconds(spec.Fencing.LeaseDurationMilliseconds),
            TimeSpan.FromMilliseconds(spec.Fencing.RenewIntervalMilliseconds),
            TimeSpan.FromMilliseconds(spec.Fencing.ClockSkewMarginMilliseconds))
        {
            RequestTimeout = spec.Fencing.RequestTimeoutMilliseconds is int ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
    }
}
