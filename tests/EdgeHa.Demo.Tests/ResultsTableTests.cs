using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class ResultsTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_OneColumnPerTransition_WithTheVerdictLines()
    {
        var failover = new TransitionMeasurement
        {
            Kind = TransitionKind.Failover,
            TriggerAt = T0,
            From = "edge-a",
            To = "edge-b",
            Reason = "ProbeFailed",
            DecidedAt = T0.AddMilliseconds(900),
            OperatorDetectionMs = 600,
            OperatorSwitchMs = 45,
            FirstNewSampleAt = T0.AddMilliseconds(1010),
            VipOutage = TimeSpan.FromMilliseconds(1000),
            Duplicates = 3,
        };
        var continuity = new ContinuityReport { SamplesRead = 10, First = 1, Last = 9, DistinctSequences = 9, Stints = 2, Duplicates = 3 };
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, TimeSpan.FromMilliseconds(100), [failover], continuity, null);

        var text = ResultsTable.Render("hot", 3800, [failover], continuity, verdict);

        Assert.Matches(@"(?m)^  hot standby +failover edge-a -> edge-b$", text);
        Assert.Matches(@"(?m)^  trigger -> decision +900 ms$", text);
        Assert.Matches(@"(?m)^  trigger -> acting +945 ms$", text);
        Assert.Matches(@"(?m)^  trigger -> data via VIP +1010 ms$", text);
        Assert.Matches(@"(?m)^  published, unread at crash +0$", text);
        Assert.Contains("predicted failover (status): 3800 ms", text, StringComparison.Ordinal);
        Assert.Contains("[PASS] failover within predicted time", text, StringComparison.Ordinal);
        Assert.Contains("[PASS] hot standby: zero lost samples", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithASubscriber_AddsItsRowsBelowTheVipRows()
    {
        var at = new SubscriberTransition { Received = 40, Duplicates = 2, Delivered = 38, Lost = 0, LastOldAt = T0.AddMilliseconds(100), FirstNewAt = T0.AddMilliseconds(1350) };
        var failover = new TransitionMeasurement { Kind = TransitionKind.Failover, TriggerAt = T0, From = "edge-a", To = "edge-b", AtSubscriber = at };
        var subscriber = new SubscriberReport { Received = 90, Delivered = 88, Duplicates = 2, First = 1, Last = 88, Transitions = [at] };
        var continuity = new ContinuityReport { SamplesRead = 10 };
        var verdict = VerdictEvaluator.Evaluate("hot", true, 3800, TimeSpan.FromMilliseconds(100), [failover], continuity, null, subscriber: subscriber);

        var text = ResultsTable.Render("hot", 3800, [failover], continuity, verdict, subscriber);

        Assert.Matches(@"(?m)^  duplicates +0\n  mqtt: received +40$", text);
        Assert.Matches(@"(?m)^  mqtt: lost \(never received\) +0$", text);
        Assert.Matches(@"(?m)^  mqtt: raw duplicates +2$", text);
        Assert.Matches(@"(?m)^  mqtt: delivered after dedupe +38$", text);
        Assert.Matches(@"(?m)^  mqtt: gap old -> new active +1250 ms$", text);
        Assert.Contains("mqtt: 90 messages received at the subscriber, sequences 1..88 (88 delivered after dedupe on pair + sequence); raw duplicates 2", text, StringComparison.Ordinal);
    }
}
