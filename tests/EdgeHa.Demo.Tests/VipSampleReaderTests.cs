using EdgeHa.Demo.Data;
using EdgeHa.Demo.Measurement;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Demo.Tests;

public class VipSampleReaderTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeVip _vip = new() { Backend = "edge-a 127.77.1.2:8080" };

    private VipSampleReader Reader() => new(_vip, _vip, _time, new VipReaderOptions { OverlapWindow = TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task ReadOnceAsync_AdvancesTheCursorAcrossTheWrap()
    {
        var reader = Reader();
        _vip.Publish("edge-a 127.77.1.2:8080", 65534, 65535);
        await reader.ReadOnceAsync(CancellationToken.None);
        _vip.Publish("edge-a 127.77.1.2:8080", 0, 1);
        await reader.ReadOnceAsync(CancellationToken.None);

        Assert.Equal([null, 65535], _vip.AfterRequests);
        Assert.Equal([65534, 65535, 0, 1], reader.Samples.Select(s => s.Sequence));
        Assert.All(reader.Samples, s => Assert.Equal(1, s.Stint));
        Assert.Equal(0, ContinuityAnalyzer.Analyze(reader.Samples).Lost);
    }

    [Fact]
    public async Task ReadOnceAsync_NewBackend_StartsAStintAndReadsWithOverlap()
    {
        var reader = Reader();
        _vip.Publish("edge-a 127.77.1.2:8080", 10, 11, 12);
        await reader.ReadOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));

        // Failover: edge-b replays from 12 (its lease record said 11) and goes on.
        _vip.Backend = "edge-b 127.77.2.2:8080";
        _vip.Publish("edge-b 127.77.2.2:8080", 12, 13, 14);
        await reader.ReadOnceAsync(CancellationToken.None);

        Assert.Equal(10, _vip.AfterRequests[^1]); // the oldest sequence of the overlap window, not the cursor 12
        var stints = reader.Stints;
        Assert.Equal(2, stints.Count);
        Assert.Equal("edge-b 127.77.2.2:8080", stints[1].Backend);
        Assert.NotNull(stints[1].FirstSampleAt);
        var report = ContinuityAnalyzer.Analyze(reader.Samples);
        Assert.Equal(1, report.Duplicates);
        Assert.Equal(0, report.Lost);
    }

    [Fact]
    public async Task ReadOnceAsync_NewBackendWithoutSamplesYet_KeepsTheOverlapForTheNextRead()
    {
        var reader = Reader();
        _vip.Publish("edge-a 127.77.1.2:8080", 1, 2, 3);
        await reader.ReadOnceAsync(CancellationToken.None);
        _vip.Backend = "edge-b 127.77.2.2:8080";
        await reader.ReadOnceAsync(CancellationToken.None);
        _vip.Publish("edge-b 127.77.2.2:8080", 4);
        await reader.ReadOnceAsync(CancellationToken.None);

        Assert.Equal([null, 1, 1], _vip.AfterRequests);
        Assert.Equal(2, reader.Stints.Count);
    }

    [Fact]
    public async Task ReadOnceAsync_Failures_AreRecordedAsProbesWithTheReason()
    {
        var reader = Reader();
        _vip.Failure = "ConnectionRefused: Connection refused";
        await reader.ReadOnceAsync(CancellationToken.None);
        _vip.Listening = false;
        await reader.ReadOnceAsync(CancellationToken.None);

        Assert.Collection(reader.Probes,
            p => Assert.Equal(("ConnectionRefused: Connection refused", false), (p.Error, p.Answered)),
            p => Assert.Contains("nothing listens for 192.168.100.50:8080", p.Error, StringComparison.Ordinal));
        Assert.Empty(reader.Stints);
    }

    [Fact]
    public async Task FirstStintWithDataSince_OnlyStintsStartedAfterTheInstant()
    {
        var reader = Reader();
        _vip.Publish("edge-a 127.77.1.2:8080", 1);
        await reader.ReadOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var crash = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));
        _vip.Backend = "edge-b 127.77.2.2:8080";
        _vip.Publish("edge-b 127.77.2.2:8080", 1, 2);
        await reader.ReadOnceAsync(CancellationToken.None);

        var stint = reader.FirstStintWithDataSince(crash);

        Assert.NotNull(stint);
        Assert.Equal(2, stint.Id);
        Assert.Null(reader.FirstStintWithDataSince(crash, s => s.Backend!.StartsWith("edge-a ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadOnceAsync_PlannedHandover_ReadsWhatTheOldOnePublishedLastStraightFromIt()
    {
        var reader = Reader();
        _vip.Publish("edge-b 127.77.2.2:8080", 50, 51);
        _vip.Backend = "edge-b 127.77.2.2:8080";
        await reader.ReadOnceAsync(CancellationToken.None);

        // edge-b publishes 52 and 53, then hands over; edge-a starts exactly after 53.
        _vip.Publish("edge-b 127.77.2.2:8080", 52, 53);
        _vip.Backend = "edge-a 127.77.1.3:8080";
        _vip.Publish("edge-a 127.77.1.3:8080", 54, 55);
        await reader.ReadOnceAsync(CancellationToken.None);

        var report = ContinuityAnalyzer.Analyze(reader.Samples);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal([1, 1, 1, 1, 2, 2], reader.Samples.Select(s => s.Stint));
    }

    [Fact]
    public async Task ReadOnceAsync_OldBackendCrashed_DrainFailsQuietly()
    {
        var reader = Reader();
        _vip.Publish("edge-a 127.77.1.2:8080", 1, 2);
        await reader.ReadOnceAsync(CancellationToken.None);
        _vip.Dead.Add("edge-a 127.77.1.2:8080");
        _vip.Backend = "edge-b 127.77.2.2:8080";
        _vip.Publish("edge-b 127.77.2.2:8080", 2, 3);
        await reader.ReadOnceAsync(CancellationToken.None);

        Assert.Equal([1, 2, 2, 3], reader.Samples.Select(s => s.Sequence));
        Assert.All(reader.Probes, p => Assert.True(p.Answered));
    }
}
