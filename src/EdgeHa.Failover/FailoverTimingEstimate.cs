namespace EdgeHa.Failover;

/// <summary>The parts of the predicted worst-case failover time; <see cref="Total"/> is what status shows.</summary>
/// <param name="Detection">failureThreshold x period + timeout: the last probe before the failure just succeeded, the next ones time out.</param>
/// <param name="Delay">failover.delayMilliseconds.</param>
/// <param name="FencingWait">leaseDuration + 2 x clockSkewMargin: the old holder renewed just before the revoke and cannot be reached to release.</param>
/// <param name="Switch">renewInterval + 3 API round trips: the grant write, the new holder noticing it at its next renew tick, and its first renew.</param>
public sealed record FailoverTimingEstimate(TimeSpan Detection, TimeSpan Delay, TimeSpan FencingWait, TimeSpan Switch)
{
    public TimeSpan Total => Detection + Delay + FencingWait + Switch;
}
