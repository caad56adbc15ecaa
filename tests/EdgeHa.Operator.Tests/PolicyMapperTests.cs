using EdgeHa.Api;
using EdgeHa.Api.Validation;
using EdgeHa.Operator.Reconciliation;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Tests;

public sealed class PolicyMapperTests
{
    [Fact]
    public void Map_DefaultSpec_EqualsTheEngineDefaults()
    {
        var spec = RedundantPairDefaults.Apply(new RedundantPairSpec { PrimaryNode = "a", StandbyNode = "b" });

        Assert.Equal(F.FailoverPolicy.Default, PolicyMapper.Map(spec));
    }

    [Fact]
    public void Map_EveryField_IsCarriedOver()
    {
        var spec = new RedundantPairSpec
        {
            StandbyMode = StandbyMode.Hot,
            HealthCheck = new HealthCheckSpec { PeriodMilliseconds = 200, TimeoutMilliseconds = 150, FailureThreshold = 4, SuccessThreshold = 2 },
            Failover = new FailoverSpec { DelayMilliseconds = 300, Failback = FailbackMode.Manual, FailbackStabilizationSeconds = 7, StartupGraceSeconds = 9 },
            Fencing = new FencingSpec { LeaseDurationMilliseconds = 2000, RenewIntervalMilliseconds = 400, ClockSkewMarginMilliseconds = 250 },
            NodeHealth = new NodeHealthSpec { NodeLeaseStaleSeconds = 20 },
            Paused = true,
        };

        var policy = PolicyMapper.Map(spec);

        Assert.Equal(F.StandbyMode.Hot, policy.StandbyMode);
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.ProbePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(150), policy.ProbeTimeout);
        Assert.Equal(4, policy.FailureThreshold);
        Assert.Equal(2, policy.SuccessThreshold);
        Assert.Equal(TimeSpan.FromMilliseconds(300), policy.FailoverDelay);
        Assert.Equal(F.FailbackMode.Manual, policy.Failback);
        Assert.Equal(TimeSpan.FromSeconds(7), policy.FailbackStabilization);
        Assert.Equal(TimeSpan.FromSeconds(9), policy.StartupGrace);
        Assert.Equal(TimeSpan.FromMilliseconds(2000), policy.LeaseDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.RenewInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), policy.ClockSkewMargin);
        Assert.Equal(TimeSpan.FromSeconds(20), policy.NodeLeaseStale);
        Assert.True(policy.Paused);
        Assert.Equal(new Fencing.LeaseTerms(TimeSpan.FromMilliseconds(2000), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(250)), PolicyMapper.Terms(spec));
    }
}
