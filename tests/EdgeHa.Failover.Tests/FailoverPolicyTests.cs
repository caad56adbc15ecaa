namespace EdgeHa.Failover.Tests;

public sealed class FailoverPolicyTests
{
    [Fact]
    public void Default_MatchesTheApiContract()
    {
        var p = FailoverPolicy.Default;

        Assert.Equal(StandbyMode.Cold, p.StandbyMode);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), p.ProbePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(3000), p.ProbeTimeout);
        Assert.Equal(3, p.FailureThreshold);
        Assert.Equal(1, p.SuccessThreshold);
        Assert.Equal(TimeSpan.Zero, p.FailoverDelay);
        Assert.Equal(FailbackMode.Automatic, p.Failback);
        Assert.Equal(TimeSpan.FromSeconds(30), p.FailbackStabilization);
        Assert.Equal(TimeSpan.FromSeconds(5), p.StartupGrace);
        Assert.Equal(TimeSpan.FromMilliseconds(3000), p.LeaseDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), p.RenewInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), p.ClockSkewMargin);
        Assert.Equal(TimeSpan.FromSeconds(15), p.NodeLeaseStale);
        Assert.False(p.Paused);
        Assert.Empty(p.Validate());
    }

    public static TheoryData<string, FailoverPolicy, string> Invalid => new()
    {
        { "timeout over period x threshold", FailoverPolicy.Default with { ProbeTimeout = TimeSpan.FromMilliseconds(3001) }, "healthCheck.timeoutMilliseconds: 3001 must be at most periodMilliseconds x failureThreshold (3000)" },
        { "renew not below lease", FailoverPolicy.Default with { RenewInterval = TimeSpan.FromMilliseconds(3000) }, "fencing.renewIntervalMilliseconds: 3000 must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds (2500), the holder's acting window" },
        { "period too small", FailoverPolicy.Default with { ProbePeriod = TimeSpan.FromMilliseconds(99), ProbeTimeout = TimeSpan.FromMilliseconds(100) }, "healthCheck.periodMilliseconds: 99 ms is outside 100..60000 ms" },
        { "failure threshold 0", FailoverPolicy.Default with { FailureThreshold = 0 }, "healthCheck.failureThreshold: 0 is outside 1..10" },
        { "success threshold 11", FailoverPolicy.Default with { SuccessThreshold = 11 }, "healthCheck.successThreshold: 11 is outside 1..10" },
        { "negative delay", FailoverPolicy.Default with { FailoverDelay = TimeSpan.FromMilliseconds(-1) }, "failover.delayMilliseconds: -1 ms is outside 0..60000 ms" },
        { "lease too short", FailoverPolicy.Default with { LeaseDuration = TimeSpan.FromMilliseconds(400), RenewInterval = TimeSpan.FromMilliseconds(100) }, "fencing.leaseDurationMilliseconds: 400 ms is outside 500..60000 ms" },
        { "node lease stale too short", FailoverPolicy.Default with { NodeLeaseStale = TimeSpan.FromSeconds(4) }, "nodeHealth.nodeLeaseStaleSeconds: 4000 ms is outside 5000..300000 ms" },
        { "undefined standby mode", FailoverPolicy.Default with { StandbyMode = (StandbyMode)7 }, "standbyMode: '7' is not Cold or Hot" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidPolicy_NamesTheField(string name, FailoverPolicy policy, string expected)
    {
        var errors = policy.Validate();

        Assert.True(errors.Contains(expected), $"{name}: got [{string.Join(" | ", errors)}]");
    }
}
