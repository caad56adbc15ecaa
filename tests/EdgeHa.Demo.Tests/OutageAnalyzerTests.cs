using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class OutageAnalyzerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static VipProbe Probe(int startMs, bool answered, string? error = null) =>
        new(T0.AddMilliseconds(startMs), T0.AddMilliseconds(startMs + 5), answered, error);

    [Fact]
    public void Windows_RunOfFailures_IsOneWindowUntilTheNextAnswer()
    {
        var probes = new[] { Probe(0, true), Probe(100, false, "refused"), Probe(200, false), Probe(300, false), Probe(400, true), Probe(500, true) };

        var window = Assert.Single(OutageAnalyzer.Windows(probes));

        Assert.Equal(T0.AddMilliseconds(100), window.Start);
        Assert.Equal(T0.AddMilliseconds(400), window.End);
        Assert.Equal(TimeSpan.FromMilliseconds(300), window.Duration);
        Assert.Equal(3, window.FailedReads);
        Assert.Equal("refused", window.FirstError);
        Assert.True(window.Closed);
    }

    [Fact]
    public void Windows_FailuresUntilTheEnd_IsAnOpenWindow()
    {
        var window = Assert.Single(OutageAnalyzer.Windows([Probe(0, true), Probe(100, false), Probe(200, false)]));

        Assert.False(window.Closed);
        Assert.Equal(T0.AddMilliseconds(205), window.End);
    }

    [Fact]
    public void Windows_UnorderedInput_AreSortedByStart()
    {
        var windows = OutageAnalyzer.Windows([Probe(300, true), Probe(100, false), Probe(0, true), Probe(200, true), Probe(400, false), Probe(500, true)]);

        Assert.Equal(2, windows.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(100), windows[0].Duration);
        Assert.Equal(T0.AddMilliseconds(400), windows[1].Start);
    }

    [Fact]
    public void Windows_AllAnswered_None() =>
        Assert.Empty(OutageAnalyzer.Windows([Probe(0, true), Probe(100, true)]));

    [Fact]
    public void OutageWithin_ClipsWindowsToTheRange()
    {
        var windows = OutageAnalyzer.Windows([Probe(0, false), Probe(100, false), Probe(200, true), Probe(1000, false), Probe(1100, true)]);

        var total = OutageAnalyzer.OutageWithin(windows, T0.AddMilliseconds(50), T0.AddMilliseconds(1050));

        Assert.Equal(TimeSpan.FromMilliseconds(150 + 50), total);
    }
}
