using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class VerdictEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ReadPeriod = TimeSpan.FromMilliseconds(100);

    private static TransitionMeasurement Failover(int dataAfterMs, long lost = 0) => new()
    {
        Kind = TransitionKind.Failover,
        TriggerAt = T0,
        From = "edge-a",
        To = "edge-b",
        FirstNewSampleAt = T0.AddMilliseconds(dataAfterMs),
        LostAtHandover = lost,
    };

    private static ContinuityReport Continuity(long lostAtHandover = 0, long polling = 0) =>
        new() { SamplesRead = 100, LostAtHandover = lostAtHandover, MissedByPolling = polling };

    [Fact]
    public void Evaluate_HotWithinPredictionNoLoss_Passes()
    {
        var verdict = VerdictEvaluator.Evaluate("hot", hot: true, 3800, ReadPeriod, [Failover(2000)], Continuity(), null);

        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Evaluate_DataWithinPredictionPlusReadPeriod_Passes()
    {
        // 3850 ms > 3800 predicted, but within the demo's 100 ms read resolution.
        Assert.True(VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(3850)], Continuity(), null).Passed);
    }

    [Fact]
    public void Evaluate_SlowerThanPredicted_Fails()
    {
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(3901)], Continuity(), null);

        Assert.False(verdict.Passed);
        var failed = Assert.Single(verdict.Checks, c => c.Passed == false);
        Assert.Contains("3901 ms, limit 3900 ms", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_HotLostAtHandover_Fails()
    {
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(1000, lost: 2)], Continuity(lostAtHandover: 2), null);

        Assert.False(verdict.Passed);
        Assert.Contains(verdict.Checks, c => c.Passed == false && c.Name.Contains("zero lost", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_ColdWithGap_PassesAndReportsTheGap()
    {
        var verdict = VerdictEvaluator.Evaluate("cold", false, 3800, ReadPeriod, [Failover(3000, lost: 25)], Continuity(lostAtHandover: 25), null);

        Assert.True(verdict.Passed);
        var gap = Assert.Single(verdict.Checks, c => c.Name.StartsWith("cold standby", StringComparison.Ordinal));
        Assert.Null(gap.Passed);
        Assert.Contains("25 sequence numbers lost", gap.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PollingMisses_AreReportedNotFailed()
    {
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(1000)], Continuity(polling: 3), null);

        Assert.True(verdict.Passed);
        Assert.Contains(verdict.Checks, c => c.Passed is null && c.Detail.Contains("3 counter values skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_NoPrediction_Fails()
    {
        var verdict = VerdictEvaluator.Evaluate("hot", true, null, ReadPeriod, [Failover(1000)], Continuity(), null);

        Assert.False(verdict.Passed);
        Assert.Contains(verdict.Checks, c => c.Detail.Contains("predictedFailoverMilliseconds was never reported", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_FailedStepOrNoFailover_Fails()
    {
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [], Continuity(), "step \"wait for the failover\": timed out");

        Assert.False(verdict.Passed);
        Assert.Contains(verdict.Checks, c => c.Name == "script completed" && c.Passed == false);
        Assert.Contains(verdict.Checks, c => c.Detail == "no failover was measured");
    }

    [Fact]
    public void Evaluate_NoDataFromTheNewActive_Fails()
    {
        var noData = Failover(1000) with { FirstNewSampleAt = null };

        Assert.False(VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [noData], Continuity(), null).Passed);
    }
    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(1, 0, false)]
    [InlineData(0, 2, false)]
    public void Evaluate_HotUpgrade_RequiresNoLossAndNoDuplicates(long lost, long duplicates, bool passes)
    {
        var upgrade = new TransitionMeasurement
        {
            Kind = TransitionKind.Upgrade,
            TriggerAt = T0,
            From = "edge-a",
            To = "edge-b",
            FirstNewSampleAt = T0.AddSeconds(3),
            LostAtHandover = lost,
            Duplicates = duplicates,
        };

        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(1000), upgrade], Continuity(), null);

        var check = Assert.Single(verdict.Checks, c => c.Name.StartsWith("hot standby upgrade", StringComparison.Ordinal));
        Assert.Equal(passes, check.Passed);
        Assert.Equal($"edge-a -> edge-b: {lost} lost, {duplicates} duplicates, VIP did not answer for 0 ms", check.Detail);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void Evaluate_HotUpgradeWithAnMqttSink_AllowsTheOneSampleWhosePubackWasInFlight(long duplicates, bool passes)
    {
        var upgrade = new TransitionMeasurement
        {
            Kind = TransitionKind.Upgrade,
            TriggerAt = T0,
            From = "edge-a",
            To = "edge-b",
            FirstNewSampleAt = T0.AddSeconds(3),
            Duplicates = duplicates,
        };

        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(1000), upgrade], Continuity(), null, subscriber: new SubscriberReport());

        var check = Assert.Single(verdict.Checks, c => c.Name.StartsWith("hot standby upgrade", StringComparison.Ordinal));
        Assert.Equal(("hot standby upgrade: planned switchover loses nothing, repeats at most the sample whose PUBACK was in flight", passes), (check.Name, check.Passed));
    }

    [Fact]
    public void Evaluate_ColdUpgrade_ReportsTheGapWithoutRequiringIt()
    {
        var upgrade = new TransitionMeasurement { Kind = TransitionKind.Upgrade, TriggerAt = T0, From = "edge-a", To = "edge-b", FirstNewSampleAt = T0.AddSeconds(3), LostAtHandover = 9 };

        var verdict = VerdictEvaluator.Evaluate("cold", false, 3800, ReadPeriod, [Failover(1000, lost: 9), upgrade], Continuity(lostAtHandover: 18), null);

        Assert.True(verdict.Passed);
        Assert.Null(Assert.Single(verdict.Checks, c => c.Name.StartsWith("cold standby upgrade", StringComparison.Ordinal)).Passed);
    }

    [Fact]
    public void Evaluate_CreationOnThePrimaryAtEpochOne_PassesAndAFlipFails()
    {
        var clean = new CreationMeasurement("edge-a", [new ActivePlacement(T0, "edge-a", 1)]);
        var flipped = new CreationMeasurement("edge-a", [new ActivePlacement(T0, "edge-b", 1), new ActivePlacement(T0.AddSeconds(5), "edge-a", 2)]);

        Assert.True(VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(1000)], Continuity(), null, clean).Passed);
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [Failover(1000)], Continuity(), null, flipped);
        Assert.False(verdict.Passed);
        Assert.Contains(verdict.Checks, c => c.Name == "created without a flip" && c.Detail.EndsWith("status showed edge-b (epoch 1) -> edge-a (epoch 2)", StringComparison.Ordinal));
    }

    private static SubscriberReport Subscriber(long lostAtFailover, int duplicates) => new()
    {
        Received = 100 + duplicates,
        Delivered = 100,
        Duplicates = duplicates,
        LostAtHandover = lostAtFailover,
        SequencesPerSecond = 10,
        Transitions = [new SubscriberTransition { Received = 50, Duplicates = duplicates, Lost = lostAtFailover, FirstNewAt = T0.AddSeconds(2) }],
    };

    private static TransitionMeasurement WithSubscriber(TransitionMeasurement t, SubscriberReport s) => t with { AtSubscriber = s.Transitions[0] };

    [Fact]
    public void Evaluate_HotLostAtTheSubscriber_Fails()
    {
        var subscriber = Subscriber(lostAtFailover: 2, duplicates: 0);

        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [WithSubscriber(Failover(2000), subscriber)], Continuity(), null, subscriber: subscriber);

        Assert.False(verdict.Passed);
        var check = Assert.Single(verdict.Checks, c => c.Passed == false);
        Assert.Equal(("hot standby at the MQTT subscriber: zero lost after dedupe", "crash 2 lost; 100 delivered after dedupe"), (check.Name, check.Detail));
    }

    [Fact]
    public void Evaluate_HotDuplicatesAtTheSubscriber_PassesAndReportsThemNextToTheRenewIntervalGoal()
    {
        var subscriber = Subscriber(lostAtFailover: 0, duplicates: 3);

        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [WithSubscriber(Failover(2000), subscriber)], Continuity(), null, subscriber: subscriber, renewInterval: TimeSpan.FromMilliseconds(300));

        Assert.True(verdict.Passed);
        var info = Assert.Single(verdict.Checks, c => c.Name.StartsWith("raw duplicates at the MQTT subscriber", StringComparison.Ordinal));
        Assert.Null(info.Passed);
        Assert.Equal("crash 3; 3 in all; goal per failover: at most one renew interval's worth, 300 ms x 10.0/s = 3", info.Detail);
    }

    [Fact]
    public void Evaluate_HotNewActiveNeverHeardAtTheSubscriber_Fails()
    {
        var subscriber = Subscriber(0, 0) with { Transitions = [new SubscriberTransition()] };

        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, ReadPeriod, [WithSubscriber(Failover(2000), subscriber)], Continuity(), null, subscriber: subscriber);

        Assert.Contains(verdict.Checks, c => c.Passed == false && c.Detail.EndsWith("no message from the new active at crash", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_ColdLostAtTheSubscriber_IsReportedNotJudged()
    {
        var subscriber = Subscriber(lostAtFailover: 30, duplicates: 0);

        var verdict = VerdictEvaluator.Evaluate("cold", false, 3800, ReadPeriod, [WithSubscriber(Failover(2000), subscriber)], Continuity(), null, subscriber: subscriber);

        Assert.True(verdict.Passed);
        Assert.Contains(verdict.Checks, c => c.Passed == null && c.Name == "cold standby at the MQTT subscriber: data gap (measured)" && c.Detail.StartsWith("crash 30 lost", StringComparison.Ordinal));
    }
}
