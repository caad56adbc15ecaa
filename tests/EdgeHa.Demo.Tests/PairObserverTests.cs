using EdgeHa.Demo.Measurement;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class PairObserverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_ChangesAndCompletedTransitions_GoToTheTimelineOnce()
    {
        var timeline = new Timeline();
        var env = new FakeEnvironment(new FakeVip());
        var observer = new PairObserver(env, FakeEnvironment.HotPair, timeline, TimeProvider.System);
        var placed = new PairSnapshot { Phase = "Active", ActiveNode = "edge-a", Epoch = 1, PredictedFailoverMs = 3800 };
        var transition = new TransitionSnapshot(T0.AddSeconds(5), "ProbeFailed", "edge-a", "edge-b", 800, null);

        observer.Observe(placed, T0);
        observer.Observe(placed, T0.AddSeconds(1));
        observer.Observe(placed with { Phase = "FailingOver", LastTransition = transition, PredictedFailoverMs = null }, T0.AddSeconds(5));
        observer.Observe(placed with { ActiveNode = "edge-b", Epoch = 2, LastTransition = transition with { SwitchMs = 40 } }, T0.AddSeconds(6));
        observer.Observe(placed with { ActiveNode = "edge-b", Epoch = 2, LastTransition = transition with { SwitchMs = 40 } }, T0.AddSeconds(7));

        Assert.Equal(
            [
                "phase Active, active edge-a, epoch 1",
                "phase FailingOver, active edge-a, epoch 1",
                "lastTransition ProbeFailed: edge-a -> edge-b, detection 800 ms, switch 40 ms (decided at this time)",
                "phase Active, active edge-b, epoch 2",
            ],
            timeline.Entries.Select(e => e.Text));
        Assert.Equal(3800, observer.PredictedFailoverMs);
    }

    [Fact]
    public async Task PollOnceAsync_ReadError_IsRememberedNotThrown()
    {
        var env = new FakeEnvironment(new FakeVip()) { StatusError = "connection refused" };
        var observer = new PairObserver(env, FakeEnvironment.HotPair, new Timeline(), TimeProvider.System);

        await observer.PollOnceAsync(events: true, CancellationToken.None);

        Assert.Equal("connection refused", observer.LastError);
        Assert.Null(observer.Latest);
    }

    [Fact]
    public async Task PollOnceAsync_Events_AddedOncePerKey()
    {
        var timeline = new Timeline();
        var env = new FakeEnvironment(new FakeVip());
        env.Events.Add(new PairEvent("uid-1/1", T0, "Normal", "FailoverCompleted", "edge-b is active"));
        var observer = new PairObserver(env, FakeEnvironment.HotPair, timeline, TimeProvider.System);

        await observer.PollOnceAsync(events: true, CancellationToken.None);
        await observer.PollOnceAsync(events: true, CancellationToken.None);

        Assert.Single(timeline.Entries, e => e.Source == "event");
    }

    [Fact]
    public void ObserveLease_RecordsWhatEachNodeWroteAndKeepsItAcrossARelease()
    {
        var timeline = new Timeline();
        var observer = new PairObserver(new FakeEnvironment(new FakeVip()), FakeEnvironment.HotPair, timeline, TimeProvider.System);

        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-a-x1", 100), T0);
        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-a-x1", 107), T0.AddSeconds(1));
        observer.ObserveLease(new LeaseSnapshot("", 109), T0.AddSeconds(2));
        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-b-y2", 109), T0.AddSeconds(3));
        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-b-y2", 115), T0.AddSeconds(4));

        Assert.Equal(107, observer.LastRecordedBy("edge-a", T0.AddMilliseconds(1500)));
        Assert.Equal(109, observer.LastRecordedBy("edge-a", T0.AddSeconds(10)));
        Assert.Equal(115, observer.LastRecordedBy("edge-b", T0.AddSeconds(10)));
        Assert.Null(observer.LastRecordedBy("edge-b", T0.AddSeconds(2)));
        Assert.Equal(["held by demo-hot-edge-a-x1", "released (last published sequence 109)", "held by demo-hot-edge-b-y2"], timeline.Entries.Select(e => e.Text));
    }

    [Fact]
    public void ObserveLease_PromotionGapReports_AreCollectedOncePerEpochAndTimelined()
    {
        var timeline = new Timeline();
        var observer = new PairObserver(new FakeEnvironment(new FakeVip()), FakeEnvironment.HotPair, timeline, TimeProvider.System);

        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-b-y2", 224, new Fencing.PromotionGap(2, 225, 225, false)), T0);
        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-b-y2", 230, new Fencing.PromotionGap(2, 225, 225, false)), T0.AddSeconds(1));
        observer.ObserveLease(new LeaseSnapshot("demo-hot-edge-a-z3", 300, new Fencing.PromotionGap(3, 301, 302, true)), T0.AddSeconds(2));

        Assert.Equal([225L], observer.NotBufferedAtPromotion().Order()); // 301-302: older than the buffer, the handover's loss
        Assert.Single(timeline.Entries, e => e.Text == "demo-hot-edge-b-y2 reports a promotion gap at epoch 2: sequences 225-225 never read by the collector's polls");
    }
}
