using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class ContinuityAnalyzerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<ObservedSample> Stint(int stint, params int[] sequences) =>
        sequences.Select((s, i) => new ObservedSample(s, stint, T0.AddMilliseconds(stint * 10_000 + i))).ToList();

    [Fact]
    public void Analyze_ContinuousAcrossWrapAndHandover_NoLossNoDuplicates()
    {
        var samples = Stint(1, 65533, 65533, 65534, 65535, 65535).Concat(Stint(2, 0, 0, 1, 2)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples);

        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(6, report.DistinctSequences);
        Assert.Equal(65533, report.First);
        Assert.Equal(2, report.Last);
        Assert.Equal(2, report.Stints);
        Assert.Equal(9, report.SamplesRead);
    }

    [Fact]
    public void Analyze_RepeatReadsByOneCollector_AreNotDuplicates()
    {
        var report = ContinuityAnalyzer.Analyze(Stint(1, 5, 5, 5, 6, 6, 7));

        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.Lost);
    }

    [Fact]
    public void Analyze_NewActiveRepublishesOverlap_CountsDuplicatesForTheLaterStint()
    {
        // The old active published up to 104; the new one replays from 102 (its lease record lagged).
        var samples = Stint(1, 100, 101, 102, 103, 104).Concat(Stint(2, 102, 103, 104, 105, 106)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples);

        Assert.Equal(3, report.Duplicates);
        Assert.Equal(3, report.DuplicatesOfStint(2));
        Assert.Equal(0, report.DuplicatesOfStint(1));
        Assert.Equal(0, report.Lost);
    }

    [Fact]
    public void Analyze_GapBetweenStints_IsLostAtHandover()
    {
        var samples = Stint(1, 65530, 65531, 65532).Concat(Stint(2, 3, 4)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples);

        // 65533, 65534, 65535, 0, 1, 2 are missing.
        Assert.Equal(6, report.LostAtHandover);
        Assert.Equal(0, report.MissedByPolling);
        var gap = Assert.Single(report.Gaps);
        Assert.Equal(65532, gap.After);
        Assert.Equal(3, gap.Before);
        Assert.True(gap.AtHandover);
        Assert.Equal(2, gap.Stint);
        Assert.Equal(6, report.LostEnteringStint(2));
        Assert.Equal(0, report.LostEnteringStint(1));
    }

    [Fact]
    public void Analyze_HandoverGapTheNewActiveReportedNeverBuffered_IsItsPollingsLossNotTheHandovers()
    {
        // The old active published up to 224; the new one reported (promotion gap) it never read 225; 226 follows.
        var samples = Stint(1, 222, 223, 224).Concat(Stint(2, 226, 227)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples, notBuffered: new HashSet<long> { 225 });

        Assert.Equal((0L, 1L, 1L), (report.LostAtHandover, report.NotBufferedAtPromotion, report.Lost));
        var gap = Assert.Single(report.Gaps);
        Assert.Equal((1L, 0L), (gap.NotBuffered, gap.Lost));
        Assert.Equal(0, report.LostEnteringStint(2));
    }

    [Fact]
    public void Analyze_HandoverGapWiderThanTheReport_TheRestIsLostAtHandover()
    {
        var samples = Stint(1, 222, 223, 224).Concat(Stint(2, 228, 229)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples, notBuffered: new HashSet<long> { 225, 65536 + 226 }); // 226 as a register value, a wrap later

        Assert.Equal((2L, 1L), (report.NotBufferedAtPromotion, report.LostAtHandover)); // 227 was not reported
    }

    [Fact]
    public void Analyze_GapInsideOneStint_IsMissedByPollingNotHandover()
    {
        var report = ContinuityAnalyzer.Analyze(Stint(1, 10, 11, 14, 15));

        Assert.Equal(0, report.LostAtHandover);
        Assert.Equal(2, report.MissedByPolling);
        Assert.Equal(2, report.Lost);
        Assert.False(Assert.Single(report.Gaps).AtHandover);
    }

    [Fact]
    public void Analyze_ThreeStintsFailoverAndFailback_AttributesEachHandover()
    {
        // hot failover (no loss, 1 duplicate), then a fail-back that lost 2.
        var samples = Stint(1, 1, 2, 3).Concat(Stint(2, 3, 4, 5)).Concat(Stint(3, 8, 9)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples);

        Assert.Equal(0, report.LostEnteringStint(2));
        Assert.Equal(1, report.DuplicatesOfStint(2));
        Assert.Equal(2, report.LostEnteringStint(3));
        Assert.Equal(3, report.Stints);
    }

    [Fact]
    public void Analyze_Nothing_ReportsEmpty()
    {
        var report = ContinuityAnalyzer.Analyze([]);

        Assert.Equal(0, report.SamplesRead);
        Assert.Null(report.First);
        Assert.Empty(report.Gaps);
    }

    [Fact]
    public void Analyze_GapUpToWhatTheCrashedOneRecorded_IsPublishedUnreadNotLost()
    {
        // The old active published 65535 and 0 (recorded 0 in the Lease) and crashed before they were read;
        // the new active starts after 0, at 1... except that it also missed 1: that one is lost.
        var samples = Stint(1, 65533, 65534).Concat(Stint(2, 2, 3)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples, new Dictionary<int, int> { [2] = 0 });

        Assert.Equal(2, report.PublishedUnread);
        Assert.Equal(1, report.LostAtHandover);
        Assert.Equal(2, report.UnreadEnteringStint(2));
        Assert.Equal(1, report.LostEnteringStint(2));
        var gap = Assert.Single(report.Gaps);
        Assert.Equal((3L, 2L, 1L), (gap.Missing, gap.PublishedUnread, gap.Lost));
    }

    [Fact]
    public void Analyze_RecordedBehindWhatWasRead_ChangesNothing()
    {
        var samples = Stint(1, 10, 11, 12).Concat(Stint(2, 14)).ToList();

        var report = ContinuityAnalyzer.Analyze(samples, new Dictionary<int, int> { [2] = 11 });

        Assert.Equal(0, report.PublishedUnread);
        Assert.Equal(1, report.LostAtHandover);
    }
}
