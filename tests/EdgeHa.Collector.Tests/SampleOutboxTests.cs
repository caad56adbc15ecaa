namespace EdgeHa.Collector.Tests;

/// <summary>The outbox driven by its owner (the virtual-time simulation's seam): the pump's work, without its task.</summary>
public sealed class SampleOutboxTests
{
    [Fact]
    public async Task DeliverQueuedAsync_DrivenByOwner_WritesEverySampleInOrderAndAcknowledgesIt()
    {
        var sink = new RecordingSink();
        var acknowledged = new List<long>();
        await using var outbox = new SampleOutbox([sink], 10, () => true, (s, _) => acknowledged.Add(s.Number), _ => { }, new CollectorMetrics(() => new CollectorState(CollectorRole.Active, true, "ok", null, null, 0)), TimeProvider.System, drivenByOwner: true, jitter: new Random(1));
        foreach (var n in new long[] { 1, 2, 3 })
        {
            outbox.Enqueue(Sample(n), replay: false);
        }

        await outbox.DeliverQueuedAsync();

        Assert.Equal([1, 2, 3], sink.Written.Select(s => s.Number));
        Assert.Equal([1, 2, 3], acknowledged);
        Assert.Equal(0, outbox.Depth);
    }

    [Fact]
    public async Task DeliverQueuedAsync_FenceClosed_WritesNothingAndDiscardsTheQueue()
    {
        var sink = new RecordingSink();
        var discarded = new List<long>();
        await using var outbox = new SampleOutbox([sink], 10, () => false, (_, _) => { }, s => discarded.AddRange(s.Select(x => x.Number)), new CollectorMetrics(() => new CollectorState(CollectorRole.Active, true, "ok", null, null, 0)), TimeProvider.System, drivenByOwner: true, jitter: null);
        foreach (var n in new long[] { 1, 2, 3 })
        {
            outbox.Enqueue(Sample(n), replay: false);
        }

        await outbox.DeliverQueuedAsync();

        Assert.Empty(sink.Written);
        Assert.Equal([1, 2, 3], discarded);
        Assert.Equal(0, outbox.Depth);
    }

    private static Sample Sample(long number) => new(number, DateTimeOffset.UnixEpoch, (int)number, 0, []);
}
