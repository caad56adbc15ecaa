using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class TimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Entries_FromSeveralSources_AreInTimeOrderStableForTies()
    {
        var timeline = new Timeline();
        timeline.Add(T0.AddMilliseconds(500), "event", "FailoverCompleted");
        timeline.Add(T0, "demo", "crash");
        timeline.Add(T0.AddMilliseconds(500), "status", "active edge-b");

        var entries = timeline.Entries;

        Assert.Equal(["crash", "FailoverCompleted", "active edge-b"], entries.Select(e => e.Text));
    }

    [Fact]
    public void AddOnce_SameKey_AddsOnlyOnce()
    {
        var timeline = new Timeline();

        Assert.True(timeline.AddOnce("event/uid-1", T0, "event", "x"));
        Assert.False(timeline.AddOnce("event/uid-1", T0, "event", "x"));

        Assert.Single(timeline.Entries);
    }

    [Fact]
    public void Render_TimesRelativeToOrigin_InMilliseconds()
    {
        var timeline = new Timeline();
        timeline.Add(T0.AddMilliseconds(1234.4), "demo", "node edge-a crashed");
        timeline.Add(T0.AddMilliseconds(-20), "status", "before the origin");

        var lines = timeline.Render(T0).TrimEnd('\n').Split('\n');

        Assert.Equal("  t+    -20 ms  status  before the origin", lines[0]);
        Assert.Equal("  t+   1234 ms  demo    node edge-a crashed", lines[1]);
    }
}
