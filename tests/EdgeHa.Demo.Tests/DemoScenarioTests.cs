using EdgeHa.Demo.Data;
using EdgeHa.Demo.Measurement;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class DemoScenarioTests
{
    private static readonly ScenarioTimings Fast = new()
    {
        SteadyState = TimeSpan.FromMilliseconds(200),
        AfterFailover = TimeSpan.FromMilliseconds(200),
        AfterFailback = TimeSpan.FromMilliseconds(200),
        // Bounds only (a passing run takes about 10 s in all): roomy, as the suite runs its projects side by side.
        PlacementTimeout = TimeSpan.FromSeconds(30),
        FailoverTimeout = TimeSpan.FromSeconds(30),
        FailbackExtraTimeout = TimeSpan.FromSeconds(30),
        DeleteTimeout = TimeSpan.FromSeconds(15),
        UpgradeTimeout = TimeSpan.FromSeconds(30),
        Poll = TimeSpan.FromMilliseconds(20),
        Reader = new VipReaderOptions { Period = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(1) },
    };

    [Fact]
    public async Task RunAsync_HotPair_PlaysTheScriptAndPasses()
    {
        using var env = new FakeEnvironment(new FakeVip());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, Fast).RunAsync(FakeEnvironment.HotPair, deleteAfter: true, cts.Token);

        Assert.Null(result.FailedStep);
        Assert.Equal(["apply demo-hot", "crash edge-a", "restore edge-a", "upgrade demo-hot to 2", "delete demo-hot"], env.Calls);
        Assert.True(result.Verdict.Passed, string.Join("; ", result.Verdict.Checks.Select(c => $"{c.Name}: {c.Detail}")));
        Assert.Equal(3800, result.PredictedFailoverMs);
        Assert.Collection(result.Transitions,
            f =>
            {
                Assert.Equal((TransitionKind.Failover, "edge-a", "edge-b", "ProbeFailed"), (f.Kind, f.From, f.To, f.Reason));
                Assert.Equal(0, f.LostAtHandover);
                Assert.InRange(f.Duplicates, 0, 3);
                Assert.NotNull(f.TriggerToData);
                Assert.True(f.VipOutage > TimeSpan.Zero, "reads fail between the crash and the promotion");
                Assert.Equal(30, f.OperatorSwitchMs);
            },
            b =>
            {
                Assert.Equal((TransitionKind.Failback, "edge-b", "edge-a", "Failback"), (b.Kind, b.From, b.To, b.Reason));
                Assert.Equal(0, b.LostAtHandover);
            },
            u =>
            {
                Assert.Equal((TransitionKind.Upgrade, "edge-a", "edge-b", "SwitchoverRequested"), (u.Kind, u.From, u.To, u.Reason));
                Assert.Equal((0L, 0L), (u.LostAtHandover, u.Duplicates));
                Assert.NotNull(u.FirstNewSampleAt);
            },
            b =>
            {
                Assert.Equal((TransitionKind.Failback, "edge-b", "edge-a", "upgrade switchover to edge-b"), (b.Kind, b.From, b.To, b.Trigger));
                Assert.Equal(0, b.LostAtHandover);
            });
        Assert.Contains(result.Verdict.Checks, c => c.Name == "created without a flip" && c.Passed == true);
        Assert.Contains(result.Verdict.Checks, c => c.Name.StartsWith("hot standby upgrade", StringComparison.Ordinal) && c.Passed == true);
        Assert.Equal(0, result.Continuity.Lost);
        Assert.True(result.Continuity.First > 65000 && result.Continuity.Last < 1000, "the run crosses the counter's wrap");
        Assert.Contains(result.Timeline.Entries, e => e.Source == "event" && e.Text.StartsWith("FailoverCompleted", StringComparison.Ordinal));
        Assert.Contains(result.Timeline.Entries, e => e.Text == "node edge-a crashed: heartbeats stop, its collector process is killed");
    }

    [Fact]
    public async Task RunAsync_ColdPair_MeasuresTheGapAndPasses()
    {
        using var env = new FakeEnvironment(new FakeVip());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, Fast).RunAsync(FakeEnvironment.ColdPair, deleteAfter: false, cts.Token);

        Assert.Null(result.FailedStep);
        Assert.True(result.Verdict.Passed);
        var failover = result.Transitions[0];
        Assert.True(failover.LostAtHandover > 0, "a cold standby starts after the crash: the values in between are lost");
        Assert.Equal(failover.LostAtHandover, result.Continuity.LostAtHandover);
        Assert.Contains(result.Verdict.Checks, c => c.Passed is null && c.Name.StartsWith("cold standby", StringComparison.Ordinal));
        Assert.DoesNotContain("delete demo-cold", env.Calls);
    }

    [Fact]
    public async Task RunAsync_HotPairWithABroker_SubscribesFirstAndMeasuresEachTransitionAtTheSubscriber()
    {
        using var env = new FakeEnvironment(new FakeVip()) { WithBroker = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, Fast).RunAsync(FakeEnvironment.HotPair, deleteAfter: true, cts.Token);

        Assert.Null(result.FailedStep);
        Assert.Equal(["subscribe demo-hot", "apply demo-hot"], env.Calls.Take(2));
        Assert.True(env.Subscription!.Disposed);
        Assert.True(result.Verdict.Passed, string.Join("; ", result.Verdict.Checks.Select(c => $"{c.Name}: {c.Detail}")));
        var subscriber = Assert.IsType<SubscriberReport>(result.Subscriber);
        Assert.Equal(env.Subscription.Count, subscriber.Received);
        Assert.Equal(0, subscriber.LostAtHandover);
        Assert.All(result.Transitions, t => Assert.Equal(0, t.AtSubscriber!.Lost));
        Assert.All(result.Transitions, t => Assert.NotNull(t.AtSubscriber!.FirstNewAt));
        // The fake's hot standby replays the old active's last three values; planned switches repeat nothing.
        Assert.Equal([3, 0, 0, 0], result.Transitions.Select(t => t.AtSubscriber!.Duplicates));
        Assert.Contains(result.Verdict.Checks, c => c.Name == "hot standby at the MQTT subscriber: zero lost after dedupe" && c.Passed == true);
        Assert.Contains(result.Verdict.Checks, c => c.Name.StartsWith("raw duplicates at the MQTT subscriber", StringComparison.Ordinal) && c.Passed == null);
        Assert.Contains(result.Timeline.Entries, e => e.Source == "mqtt" && e.Text.StartsWith("first message from edge-b at the subscriber", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ColdPairWithABroker_ReportsTheLossAtTheSubscriber()
    {
        using var env = new FakeEnvironment(new FakeVip()) { WithBroker = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, Fast).RunAsync(FakeEnvironment.ColdPair, deleteAfter: false, cts.Token);

        Assert.Null(result.FailedStep);
        Assert.True(result.Verdict.Passed);
        Assert.True(result.Transitions[0].AtSubscriber!.Lost > 0, "a cold standby starts after the crash: the values in between never reach the subscriber");
        Assert.Contains(result.Verdict.Checks, c => c.Passed is null && c.Name == "cold standby at the MQTT subscriber: data gap (measured)");
    }

    [Fact]
    public async Task RunAsync_NewPairFlipsBeforeSettling_FailsTheCreationCheckNamingEachPlacement()
    {
        using var env = new FakeEnvironment(new FakeVip()) { FirstOnStandby = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, Fast).RunAsync(FakeEnvironment.HotPair, deleteAfter: false, cts.Token);

        Assert.Null(result.FailedStep);
        Assert.False(result.Verdict.Passed);
        var check = Assert.Single(result.Verdict.Checks, c => c.Name == "created without a flip");
        Assert.False(check.Passed);
        Assert.Equal("expected only edge-a at epoch 1 before the crash; status showed edge-b (epoch 1) -> edge-a (epoch 2)", check.Detail);
    }

    [Fact]
    public async Task RunAsync_OperatorNeverFailsOver_StopsAtThatStepAndFails()
    {
        using var env = new FakeEnvironment(new FakeVip()) { NeverFailover = true };
        var timings = new ScenarioTimings
        {
            SteadyState = Fast.SteadyState,
            PlacementTimeout = Fast.PlacementTimeout,
            FailoverTimeout = TimeSpan.FromMilliseconds(500),
            Poll = Fast.Poll,
            Reader = Fast.Reader,
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, timings).RunAsync(FakeEnvironment.HotPair, deleteAfter: true, cts.Token);

        Assert.False(result.Verdict.Passed);
        Assert.Equal("step \"wait for the failover to edge-b\": timed out after 0.5 s waiting for: status.activeNode edge-b (now edge-a, phase Active)", result.FailedStep);
        Assert.Equal(["apply demo-hot", "crash edge-a"], env.Calls);
        var failover = Assert.Single(result.Transitions);
        Assert.Null(failover.FirstNewSampleAt);
    }

    [Fact]
    public async Task RunAsync_NoStatusEver_FailsPlacementSayingTheOperatorMayNotRun()
    {
        using var env = new FakeEnvironment(new FakeVip()) { StatusError = "connection refused" };
        var timings = new ScenarioTimings { PlacementTimeout = TimeSpan.FromMilliseconds(300), Poll = Fast.Poll, Reader = Fast.Reader };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));

        var result = await new DemoScenario(env, TimeProvider.System, timings).RunAsync(FakeEnvironment.HotPair, deleteAfter: false, cts.Token);

        Assert.NotNull(result.FailedStep);
        Assert.Contains("the pair's status (is the operator reconciling?); last read error: connection refused", result.FailedStep, StringComparison.Ordinal);
        Assert.Empty(result.Transitions);
    }
}
