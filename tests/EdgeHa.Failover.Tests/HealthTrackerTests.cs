namespace EdgeHa.Failover.Tests;

public sealed class HealthTrackerTests
{
    private static readonly DateTimeOffset T0 = Pair.T0;

    private static DateTimeOffset Ms(long ms) => T0.AddMilliseconds(ms);

    private static HealthTracker Tracker(int failures = 3, int successes = 1, int timeoutMs = 3000) =>
        new(failures, successes, TimeSpan.FromMilliseconds(timeoutMs));

    [Fact]
    public void Evaluate_NothingResolved_IsUnknown()
    {
        var t = Tracker();
        t.RecordSent(Ms(0));

        Assert.Null(t.Evaluate(Ms(10)).Healthy);
        Assert.Equal(Ms(3000), t.NextDeadline);
    }

    [Fact]
    public void Evaluate_FirstSuccess_IsHealthy()
    {
        var t = Tracker();
        t.RecordResult(Ms(0), true, Ms(5));

        var s = t.Evaluate(Ms(5));

        Assert.True(s.Healthy);
        Assert.Equal(Ms(5), s.HealthySince);
        Assert.Equal(1, s.ConsecutiveSuccesses);
        Assert.Null(t.NextDeadline);
    }

    [Fact]
    public void Evaluate_NoAnswers_UnhealthyAtThirdTimeout()
    {
        // A heartbeat every second; the node died after the probe at 0 was answered.
        var t = Tracker();
        t.RecordResult(Ms(0), true, Ms(5));
        for (var sent = 1000; sent <= 3000; sent += 1000)
        {
            t.RecordSent(Ms(sent));
        }

        Assert.Equal(2, t.Evaluate(Ms(5999)).ConsecutiveFailures);
        Assert.True(t.Evaluate(Ms(5999)).Healthy);

        var s = t.Evaluate(Ms(6000));

        Assert.False(s.Healthy);
        Assert.Equal(3, s.ConsecutiveFailures);
        Assert.Equal(Ms(1000), s.FirstFailureAt);
        Assert.Equal(Ms(6000), s.UnhealthySince);
    }

    [Fact]
    public void Evaluate_LateAnswer_CountsAsFailure()
    {
        var t = Tracker(failures: 1);
        t.RecordSent(Ms(0));
        t.RecordResult(Ms(0), true, Ms(3001));

        var s = t.Evaluate(Ms(3001));

        Assert.False(s.Healthy);
        Assert.Equal(Ms(3000), s.UnhealthySince);
    }

    [Fact]
    public void Evaluate_FastFailuresBehindAPendingProbe_WaitInSendOrder()
    {
        var t = Tracker();
        t.RecordResult(Ms(0), true, Ms(5));
        t.RecordSent(Ms(1000));                    // hangs
        t.RecordResult(Ms(2000), false, Ms(2002)); // refused
        t.RecordResult(Ms(3000), false, Ms(3002)); // refused

        var before = t.Evaluate(Ms(3500));
        Assert.True(before.Healthy);
        Assert.Equal(0, before.ConsecutiveFailures);

        var after = t.Evaluate(Ms(4000));         // the hung probe times out: three failures in send order
        Assert.False(after.Healthy);
        Assert.Equal(Ms(1000), after.FirstFailureAt);
        Assert.Equal(Ms(4000), after.UnhealthySince);
    }

    [Fact]
    public void Evaluate_FlapBelowThreshold_StaysHealthy()
    {
        var t = Tracker();
        t.RecordResult(Ms(0), true, Ms(5));
        t.RecordResult(Ms(1000), false, Ms(1005));
        t.RecordResult(Ms(2000), false, Ms(2005));
        t.RecordResult(Ms(3000), true, Ms(3005));

        var s = t.Evaluate(Ms(3005));

        Assert.True(s.Healthy);
        Assert.Equal(0, s.ConsecutiveFailures);
        Assert.Null(s.FirstFailureAt);
        Assert.Equal(Ms(5), s.HealthySince);
    }

    [Fact]
    public void Evaluate_SuccessThresholdTwo_NeedsTwoGoodProbesToRecover()
    {
        var t = Tracker(failures: 1, successes: 2);
        t.RecordResult(Ms(0), false, Ms(5));
        Assert.False(t.Evaluate(Ms(5)).Healthy);

        t.RecordResult(Ms(1000), true, Ms(1005));
        Assert.False(t.Evaluate(Ms(1005)).Healthy);

        t.RecordResult(Ms(2000), true, Ms(2005));
        var s = t.Evaluate(Ms(2005));
        Assert.True(s.Healthy);
        Assert.Equal(Ms(2005), s.HealthySince);
        Assert.Null(s.UnhealthySince);
    }

    [Fact]
    public void RecordResult_AfterTimeoutResolvedIt_IsIgnored()
    {
        var t = Tracker(failures: 1);
        t.RecordSent(Ms(0));
        Assert.False(t.Evaluate(Ms(3000)).Healthy);

        t.RecordResult(Ms(0), true, Ms(3500));

        Assert.False(t.Evaluate(Ms(3500)).Healthy);
    }

    [Fact]
    public void RecordSent_UnansweredForever_KeepsBoundedMemory()
    {
        var t = Tracker(timeoutMs: 60_000);
        for (var i = 0; i < HealthTracker.MaxPending + 50; i++)
        {
            t.RecordSent(Ms(i * 100));
        }

        var s = t.Evaluate(Ms(1));

        Assert.False(s.Healthy);
        Assert.Equal(50, s.ConsecutiveFailures);
    }

    [Fact]
    public void Reset_ForgetsHistory()
    {
        var t = Tracker(failures: 1);
        t.RecordResult(Ms(0), false, Ms(1));
        t.Evaluate(Ms(1));

        t.Reset();

        Assert.Equal(HealthSnapshot.Unknown, t.Evaluate(Ms(2)));
    }

    [Theory]
    [InlineData(0, 1, 1000)]
    [InlineData(1, 0, 1000)]
    [InlineData(1, 1, 0)]
    public void Constructor_BadArguments_Throw(int failures, int successes, int timeoutMs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tracker(failures, successes, timeoutMs));
}
