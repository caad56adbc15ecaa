namespace EdgeHa.Failover.Tests;

public sealed class FailoverTimingTests
{
    [Fact]
    public void PredictWorstCase_DefaultPolicy_Is11Point6Seconds()
    {
        var estimate = FailoverTiming.PredictWorstCase(FailoverPolicy.Default);

        Assert.Equal(TimeSpan.FromSeconds(6), estimate.Detection);        // 3 x 1 s + 3 s
        Assert.Equal(TimeSpan.Zero, estimate.Delay);
        Assert.Equal(TimeSpan.FromSeconds(4), estimate.FencingWait);      // 3 s + 2 x 0.5 s
        Assert.Equal(TimeSpan.FromMilliseconds(1600), estimate.Switch);   // 1 s + 3 x 200 ms
        Assert.Equal(TimeSpan.FromMilliseconds(11_600), estimate.Total);
    }

    [Theory]
    // period, timeout, failures, delay, lease, renew, skew => total ms
    [InlineData(1000, 3000, 3, 0, 3000, 1000, 500, 11_600)]
    [InlineData(500, 1000, 2, 0, 3000, 1000, 500, 2_000 + 4_000 + 1_600)]
    [InlineData(1000, 1000, 1, 2000, 2000, 500, 0, 2_000 + 2_000 + 2_000 + 1_100)]
    [InlineData(200, 200, 5, 0, 1000, 200, 100, 1_200 + 1_200 + 800)]
    public void PredictWorstCase_Policies_SumsTheFormula(int period, int timeout, int failures, int delay, int lease, int renew, int skew, int expectedMs)
    {
        var policy = FailoverPolicy.Default with
        {
            ProbePeriod = TimeSpan.FromMilliseconds(period),
            ProbeTimeout = TimeSpan.FromMilliseconds(timeout),
            FailureThreshold = failures,
            FailoverDelay = TimeSpan.FromMilliseconds(delay),
            LeaseDuration = TimeSpan.FromMilliseconds(lease),
            RenewInterval = TimeSpan.FromMilliseconds(renew),
            ClockSkewMargin = TimeSpan.FromMilliseconds(skew),
        };

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), FailoverTiming.PredictWorstCase(policy).Total);
    }

    [Fact]
    public void PredictWorstCase_Null_Throws() =>
        Assert.Throws<ArgumentNullException>(() => FailoverTiming.PredictWorstCase(null!));
}
