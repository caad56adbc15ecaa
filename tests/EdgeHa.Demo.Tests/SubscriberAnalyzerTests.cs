using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class SubscriberAnalyzerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Messages from <paramref name="node"/> with sequences <paramref name="first"/>..<paramref name="last"/>, one per second from <paramref name="atSecond"/>.</summary>
    private static IEnumerable<ReceivedMessage> Run(string node, long first, long last, double atSecond, long epoch = 1)
    {
        for (var s = first; s <= last; s++)
        {
            yield return new ReceivedMessage(s, (int)(s & 0xFFFF), epoch, node, T0.AddSeconds(atSecond + (s - first)), Sample: s);
        }
    }

    private static TransitionMeasurement Change(double atSecond, string from, string to, TransitionKind kind = TransitionKind.Failover) =>
        new() { Kind = kind, TriggerAt = T0.AddSeconds(atSecond), From = from, To = to };

    [Fact]
    public void Analyze_HotFailoverReplayingThreeAlreadyReceived_CountsThemAsDuplicatesNothingLost()
    {
        // edge-a 1..10 at t = 1..10, crash at 10.5; edge-b replays from 8 at t = 12.
        ReceivedMessage[] messages = [.. Run("edge-a", 1, 10, 1), .. Run("edge-b", 8, 15, 12, epoch: 2)];

        var report = SubscriberAnalyzer.Analyze(messages, [Change(10.5, "edge-a", "edge-b")]);

        var t = Assert.Single(report.Transitions);
        Assert.Equal((8, 3, 5, 0, 0L), (t.Received, t.Duplicates, t.Delivered, t.RepeatPolls, t.Lost));
        Assert.Equal(TimeSpan.FromSeconds(2), t.Gap);
        Assert.Equal((18, 15L, 3L, 0L, 0L), (report.Received, report.Delivered, report.Duplicates, report.LostAtHandover, report.SkippedByPolling));
        Assert.Equal((1L, 15L), (report.First, report.Last));
    }

    [Fact]
    public void Analyze_ColdFailoverStartingAfterAGap_CountsTheMissingSequencesLostAtThatTransition()
    {
        ReceivedMessage[] messages = [.. Run("edge-a", 1, 10, 1), .. Run("edge-b", 14, 20, 15, epoch: 2)];

        var report = SubscriberAnalyzer.Analyze(messages, [Change(10.5, "edge-a", "edge-b")]);

        Assert.Equal((3L, 0L), (report.LostAtHandover, report.SkippedByPolling));
        var t = Assert.Single(report.Transitions);
        Assert.Equal((7, 0, 3L), (t.Received, t.Duplicates, t.Lost));
        Assert.Equal(TimeSpan.FromSeconds(5), t.Gap);
    }

    [Fact]
    public void Analyze_HandoverHoleTheNewActiveReportedNeverBuffered_IsCountedApartFromHandoverLoss()
    {
        // edge-a published up to 224; edge-b reported it never read 225 (and 227 was not missing at all).
        ReceivedMessage[] messages = [.. Run("edge-a", 220, 224, 1), .. Run("edge-b", 226, 230, 12, epoch: 2)];

        var report = SubscriberAnalyzer.Analyze(messages, [Change(10.5, "edge-a", "edge-b", TransitionKind.Upgrade)], notBuffered: new HashSet<long> { 225, 227 });

        Assert.Equal((0L, 1L), (report.LostAtHandover, report.NotBufferedAtPromotion));
        Assert.Equal(0, Assert.Single(report.Transitions).Lost);
    }

    [Fact]
    public void Analyze_HoleInsideOneCollectorsStream_IsAPollingSkipNotAHandoverLoss()
    {
        ReceivedMessage[] messages = [.. Run("edge-a", 1, 5, 1), .. Run("edge-a", 7, 10, 6)];

        var report = SubscriberAnalyzer.Analyze(messages, []);

        Assert.Equal((0L, 1L, 9L), (report.LostAtHandover, report.SkippedByPolling, report.Delivered));
    }

    [Fact]
    public void Analyze_RedeliveryFromTheSameCollector_IsARawDuplicate()
    {
        ReceivedMessage[] messages = [.. Run("edge-a", 1, 5, 1), new ReceivedMessage(5, 5, 1, "edge-a", T0.AddSeconds(5.5), Sample: 5), .. Run("edge-a", 6, 8, 6)];

        var report = SubscriberAnalyzer.Analyze(messages, []);

        Assert.Equal((9, 8L, 1L, 0L, 0L), (report.Received, report.Delivered, report.Duplicates, report.RepeatPolls, report.LostAtHandover));
    }

    [Fact]
    public void Analyze_SeveralPollsOfOneCounterValue_AreRepeatPollsOnlyTheReplayIsDuplicated()
    {
        // Two polls per counter value, each its own sample number; edge-b replays 3 and 4 (two polls each) after the crash.
        static ReceivedMessage M(long seq, string node, long sample, double at) => new(seq, (int)seq, 1, node, T0.AddSeconds(at), sample);
        ReceivedMessage[] messages =
        [
            M(1, "edge-a", 1, 1), M(1, "edge-a", 2, 1.5), M(2, "edge-a", 3, 2), M(2, "edge-a", 4, 2.5), M(3, "edge-a", 5, 3), M(3, "edge-a", 6, 3.5), M(4, "edge-a", 7, 4),
            M(3, "edge-b", 1, 10), M(3, "edge-b", 2, 10.1), M(4, "edge-b", 3, 10.2), M(4, "edge-b", 4, 10.3), M(5, "edge-b", 5, 11),
        ];

        var report = SubscriberAnalyzer.Analyze(messages, [Change(5, "edge-a", "edge-b")]);

        Assert.Equal((12, 5L, 2L, 5L), (report.Received, report.Delivered, report.Duplicates, report.RepeatPolls));
        var t = Assert.Single(report.Transitions);
        Assert.Equal((5, 1, 2, 2), (t.Received, t.Delivered, t.Duplicates, t.RepeatPolls));
    }

    [Fact]
    public void Analyze_RestartedCollectorReusingSampleNumbers_IsNoRedelivery()
    {
        // edge-b's first pod published samples 1..3 (sequences 1..3); its upgraded pod numbers from 1 again and polls
        // sequence 5 twice (samples 1 and 2): the second is a repeat poll, not a redelivery of the first pod's sample 2.
        static ReceivedMessage M(long seq, string node, long sample, double at) => new(seq, (int)seq, 1, node, T0.AddSeconds(at), sample);
        ReceivedMessage[] messages =
        [
            M(1, "edge-b", 1, 1), M(2, "edge-b", 2, 2), M(3, "edge-b", 3, 3), M(4, "edge-a", 50, 4), M(5, "edge-b", 1, 5), M(5, "edge-b", 2, 5.5), M(6, "edge-b", 3, 6),
        ];

        var report = SubscriberAnalyzer.Analyze(messages, []);

        Assert.Equal((6L, 0L, 1L), (report.Delivered, report.Duplicates, report.RepeatPolls));
    }

    [Fact]
    public void Analyze_ChangeTriggeredBeforeThePreviousOneReachedTheSubscriber_FindsItAfterThePrevious()
    {
        // Upgrade to edge-b decided at 10.5 and the fail-back's trigger is that same decision (10.6), while edge-a's
        // last messages still arrive until 10; edge-b takes over at 12 and edge-a again at 30.
        ReceivedMessage[] messages = [.. Run("edge-a", 1, 10, 1), .. Run("edge-b", 11, 28, 12, epoch: 2), .. Run("edge-a", 29, 35, 30, epoch: 3)];

        var report = SubscriberAnalyzer.Analyze(messages, [Change(10.5, "edge-a", "edge-b", TransitionKind.Upgrade), Change(10.6, "edge-b", "edge-a", TransitionKind.Failback)]);

        Assert.Collection(report.Transitions,
            u => Assert.Equal((T0.AddSeconds(12), 18, T0.AddSeconds(10)), (u.FirstNewAt!.Value, u.Received, u.LastOldAt!.Value)),
            b => Assert.Equal((T0.AddSeconds(30), 7, T0.AddSeconds(29)), (b.FirstNewAt!.Value, b.Received, b.LastOldAt!.Value)));
        Assert.Equal(0, report.LostAtHandover);
    }

    [Fact]
    public void Analyze_NewActiveNeverHeard_ReportsNoFirstMessage()
    {
        var report = SubscriberAnalyzer.Analyze([.. Run("edge-a", 1, 10, 1)], [Change(10.5, "edge-a", "edge-b")]);

        var t = Assert.Single(report.Transitions);
        Assert.Equal((0, (DateTimeOffset?)null, (TimeSpan?)null), (t.Received, t.FirstNewAt, t.Gap));
    }

    [Fact]
    public void Analyze_MessagesWithoutSequence_AreCountedApart()
    {
        ReceivedMessage[] messages = [.. Run("edge-a", 1, 3, 1), new ReceivedMessage(null, null, 1, "edge-a", T0.AddSeconds(4))];

        var report = SubscriberAnalyzer.Analyze(messages, []);

        Assert.Equal((3, 1, 3L), (report.Received, report.WithoutSequence, report.Delivered));
    }

    [Fact]
    public void Analyze_SequencesPerSecond_FollowsTheArrivals()
    {
        var report = SubscriberAnalyzer.Analyze([.. Run("edge-a", 1, 11, 0)], []);

        Assert.Equal(1.0, report.SequencesPerSecond!.Value, 3);
    }
}
