using System.Diagnostics.Metrics;
using EdgeHa.Api;
using EdgeHa.TestSupport;

namespace EdgeHa.Operator.Tests;

/// <summary>The instruments read from observed pairs: the phase gauge and the failure detection histogram, as /metrics serves them.</summary>
public sealed class OperatorMetricsTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly Meter _meter = new("test-" + Guid.NewGuid());
    private readonly OperatorMetrics _metrics;
    private readonly MeterScrapeServer _server;

    public OperatorMetricsTests()
    {
        _metrics = new OperatorMetrics(_meter);
        _server = MeterScrapeServer.Start(_meter);
    }

    public void Dispose()
    {
        _server.Dispose();
        _metrics.Dispose();
    }

    private static RedundantPair Pair(string name, PairPhase? phase = null, TransitionStatus? last = null) => new()
    {
        Metadata = new() { Namespace = "plant", Name = name },
        Status = new RedundantPairStatus { Phase = phase, LastTransition = last },
    };

    private static TransitionStatus Transition(string reason, long detectionMs, DateTimeOffset? time = null, long? switchMs = null) =>
        new() { Time = time ?? At, Reason = reason, From = "node-a", To = "node-b", DetectionMilliseconds = detectionMs, SwitchMilliseconds = switchMs };

    private string[] Lines(string prefix) => [.. _server.Scrape().Text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    private double? Value(string series) => _server.Scrape().Value(series);

    [Fact]
    public void Scrape_GcHeapGauge_ReportsTheManagedHeapAfterTheLastCollection()
    {
        GC.Collect();

        var scrape = _server.Scrape();

        Assert.Equal("gauge", scrape.Types["dotnet_gc_last_collection_heap_size_bytes"]);
        Assert.InRange(Assert.Single(scrape.Series("dotnet_gc_last_collection_heap_size_bytes")).Value, 1, GC.GetTotalMemory(false) * 4.0);
    }

    [Fact]
    public void ObservePairs_EachPair_OneForItsPhaseZeroForTheOthers()
    {
        var pairs = new List<RedundantPair> { Pair("line1", PairPhase.Active), Pair("line2", PairPhase.Degraded), Pair("line3") };
        _metrics.ObservePairs(() => pairs);

        var lines = Lines("redundantpair_status_phase{");

        Assert.Equal(3 * Enum.GetValues<PairPhase>().Length, lines.Length);
        Assert.Contains("redundantpair_status_phase{name=\"line1\",namespace=\"plant\",phase=\"Active\"} 1", lines);
        Assert.Contains("redundantpair_status_phase{name=\"line1\",namespace=\"plant\",phase=\"Degraded\"} 0", lines);
        Assert.Contains("redundantpair_status_phase{name=\"line2\",namespace=\"plant\",phase=\"Degraded\"} 1", lines);
        Assert.DoesNotContain(lines, l => l.Contains("name=\"line3\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public void ObservePairs_PairGoneFromTheSource_ItsSeriesDisappear()
    {
        var pairs = new List<RedundantPair> { Pair("line1", PairPhase.Active) };
        _metrics.ObservePairs(() => pairs);
        Assert.NotEmpty(Lines("redundantpair_status_phase{"));

        pairs.Clear(); // deleted, or this replica stopped leading (no cache)

        Assert.Empty(Lines("redundantpair_status_phase{"));
    }

    [Fact]
    public void ObserveTransition_NewFailover_RecordsItsDetectionOnce()
    {
        var placed = Pair("line1", PairPhase.Active, Transition("InitialPromotion", 0, At.AddMinutes(-5), switchMs: 80));
        var failingOver = Pair("line1", PairPhase.FailingOver, Transition("ProbeFailed", 3200));
        var switched = Pair("line1", PairPhase.Active, Transition("ProbeFailed", 3200, switchMs: 45));

        _metrics.ObserveTransition(placed, failingOver);
        _metrics.ObserveTransition(failingOver, switched); // the same transition, now with its switch time

        Assert.Contains("redundantpair_failure_detection_seconds_count{name=\"line1\",namespace=\"plant\"} 1", Lines("redundantpair_failure_detection_seconds_count"));
        Assert.Contains("redundantpair_failure_detection_seconds_sum{name=\"line1\",namespace=\"plant\"} 3.2", Lines("redundantpair_failure_detection_seconds_sum"));
        Assert.Contains("redundantpair_failure_detection_seconds_bucket{name=\"line1\",namespace=\"plant\",le=\"3\"} 0", Lines("redundantpair_failure_detection_seconds_bucket"));
        Assert.Contains("redundantpair_failure_detection_seconds_bucket{name=\"line1\",namespace=\"plant\",le=\"4\"} 1", Lines("redundantpair_failure_detection_seconds_bucket"));
    }

    [Theory]
    [InlineData("InitialPromotion")]
    [InlineData("SwitchoverRequested")]
    [InlineData("ActiveNodeCordoned")]
    [InlineData("Failback")]
    public void ObserveTransition_PlannedTransition_NotRecorded(string reason)
    {
        _metrics.ObserveTransition(Pair("line1", PairPhase.Active), Pair("line1", PairPhase.FailingOver, Transition(reason, 0)));

        Assert.Empty(Lines("redundantpair_failure_detection_seconds"));
    }

    [Fact]
    public void SetPairState_FirstReport_StartsTheFailoverCountersAtZeroSoTheFirstFailoverIsAnIncrease()
    {
        _metrics.SetPairState("plant", "line1", "node-a", degraded: false);

        Assert.Equal(0, Value("redundantpair_failovers_total{namespace=\"plant\",name=\"line1\",reason=\"ProbeFailed\"}"));
        Assert.Equal(0, Value("redundantpair_failovers_total{namespace=\"plant\",name=\"line1\",reason=\"Failback\"}"));
        // OpenTelemetry cannot create a histogram series without an observation: it starts at the first switch.
        Assert.Null(Value("redundantpair_failover_duration_seconds_count{namespace=\"plant\",name=\"line1\"}"));

        _metrics.CountFailover("plant", "line1", "ProbeFailed");
        _metrics.RecordSwitch("plant", "line1", TimeSpan.FromMilliseconds(40));
        _metrics.SetPairState("plant", "line1", "node-b", degraded: false); // later reports add nothing

        Assert.Equal(1, Value("redundantpair_failovers_total{namespace=\"plant\",name=\"line1\",reason=\"ProbeFailed\"}"));
        Assert.Equal(0, Value("redundantpair_failovers_total{namespace=\"plant\",name=\"line1\",reason=\"Failback\"}"));
        Assert.Equal(1, Value("redundantpair_failover_duration_seconds_count{namespace=\"plant\",name=\"line1\"}"));
        Assert.Equal(0.04, Value("redundantpair_failover_duration_seconds_sum{namespace=\"plant\",name=\"line1\"}"));
    }

    [Fact]
    public void SetPairState_NewActiveNode_OnlyTheNewNodeIsReported()
    {
        _metrics.SetPairState("plant", "line1", "node-a", degraded: false);
        Assert.Equal(1, Value("redundantpair_active_info{namespace=\"plant\",name=\"line1\",node=\"node-a\"}"));

        _metrics.SetPairState("plant", "line1", "node-b", degraded: true);

        var scrape = _server.Scrape();
        Assert.Equal(1, Assert.Single(scrape.Series("redundantpair_active_info")).Value);
        Assert.Equal(1, scrape.Value("redundantpair_active_info{node=\"node-b\"}"));
        Assert.Equal(1, scrape.Value("redundantpair_degraded{namespace=\"plant\",name=\"line1\"}"));
    }

    [Fact]
    public void ObserveTransition_FirstSeenWithoutAPreviousVersion_RecordsTheNewTransition()
    {
        _metrics.ObserveTransition(null, Pair("line1", PairPhase.Active, Transition("NodeNotReady", 1500)));

        Assert.Contains("redundantpair_failure_detection_seconds_count{name=\"line1\",namespace=\"plant\"} 1", Lines("redundantpair_failure_detection_seconds_count"));
    }
}
