namespace EdgeHa.Failover;

/// <summary>The predicted worst-case failover time of a policy (status.predictedFailoverMilliseconds).</summary>
public static class FailoverTiming
{
    /// <summary>
    /// The allowance for one API server round trip (request and answer) in the switch part. A cluster whose API
    /// round trips take longer than this under load will exceed the prediction by the difference.
    /// </summary>
    public static readonly TimeSpan ApiRoundTripAllowance = TimeSpan.FromMilliseconds(200);

    /// <summary>The number of API round trips on the critical path after the fencing wait (grant, re-read, first renew).</summary>
    public const int SwitchRoundTrips = 3;

    /// <summary>
    /// Worst case from the instant the active side fails to the instant the standby acts:
    /// detection (F x period + timeout) + delay + fencing wait (leaseDuration + 2 x skew margin) + switch
    /// (renewInterval + 3 x API round trip). Cold standby adds the collector's own start-up time, which no spec states.
    /// </summary>
    public static FailoverTimingEstimate PredictWorstCase(FailoverPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var detection = policy.ProbePeriod * policy.FailureThreshold + policy.ProbeTimeout;
        var fencing = policy.LeaseDuration + policy.ClockSkewMargin * 2;
        var switchTime = policy.RenewInterval + ApiRoundTripAllowance * SwitchRoundTrips;
        return new FailoverTimingEstimate(detection, policy.FailoverDelay, fencing, switchTime);
    }
}
