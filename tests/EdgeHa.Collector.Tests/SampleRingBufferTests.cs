namespace EdgeHa.Collector.Tests;

public class SampleRingBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Sample S(long number, int? sequence, double seconds = 0) => new(number, T0.AddSeconds(seconds), sequence, 0, []);

    [Fact]
    public void Add_BeyondCapacity_EvictsOldest()
    {
        var buffer = new SampleRingBuffer(3, TimeSpan.FromHours(1));
        for (var i = 1; i <= 5; i++)
        {
            buffer.Add(S(i, i), published: true);
        }

        Assert.Equal(3, buffer.Count);
        Assert.Equal([3L, 4, 5], buffer.PublishedAfterNumber(null, 100).Select(s => s.Number));
    }

    [Fact]
    public void Add_OlderThanMaxAge_IsTrimmed()
    {
        var buffer = new SampleRingBuffer(100, TimeSpan.FromSeconds(10));
        buffer.Add(S(1, 1, 0), true);
        buffer.Add(S(2, 2, 5), true);
        buffer.Add(S(3, 3, 12), true);

        Assert.Equal([2L, 3], buffer.Snapshot().Select(e => e.Sample.Number));

        buffer.TrimOlderThan(T0.AddSeconds(20));
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void PublishedAfterSequence_AcrossWrap_ReturnsWhatFollows()
    {
        var buffer = new SampleRingBuffer(10, TimeSpan.FromHours(1));
        int[] sequences = [65533, 65534, 65535, 0, 1, 2];
        for (var i = 0; i < sequences.Length; i++)
        {
            buffer.Add(S(i + 1, sequences[i]), true);
        }

        Assert.Equal([65535, 0, 1, 2], buffer.PublishedAfterSequence(65534, 100).Select(s => s.Sequence!.Value));
        Assert.Equal([1, 2], buffer.PublishedAfterSequence(0, 100).Select(s => s.Sequence!.Value));
        Assert.Empty(buffer.PublishedAfterSequence(2, 100));

        // A sequence no longer buffered (older, before the wrap) still selects by ring order.
        Assert.Equal(sequences, buffer.PublishedAfterSequence(65500, 100).Select(s => s.Sequence!.Value));
        Assert.Equal([65533, 65534], buffer.PublishedAfterSequence(65500, 2).Select(s => s.Sequence!.Value));
    }

    [Fact]
    public void PublishedAfterSequence_RepeatedSequence_StartsAfterItsLastOccurrence()
    {
        var buffer = new SampleRingBuffer(10, TimeSpan.FromHours(1));
        buffer.Add(S(1, 7), true);
        buffer.Add(S(2, 7), true);
        buffer.Add(S(3, 8), true);

        Assert.Equal([3L], buffer.PublishedAfterSequence(7, 100).Select(s => s.Number));
    }

    [Fact]
    public void PublishedQueries_SkipUnpublishedSamples()
    {
        var buffer = new SampleRingBuffer(10, TimeSpan.FromHours(1));
        buffer.Add(S(1, 1), true);
        buffer.Add(S(2, 2), false);
        buffer.Add(S(3, 3), true);

        Assert.Equal([1L, 3], buffer.PublishedAfterNumber(null, 100).Select(s => s.Number));
        Assert.Equal([3L], buffer.PublishedAfterSequence(1, 100).Select(s => s.Number));
    }

    [Fact]
    public void PublishUnpublishedAfter_MarksOnlyTheFollowingUnpublishedOnce()
    {
        var buffer = new SampleRingBuffer(10, TimeSpan.FromHours(1));
        long[] sequences = [65534, 65535, 65536, 65537];
        for (var i = 0; i < sequences.Length; i++)
        {
            buffer.Add(S(i + 1, (int)(sequences[i] & 0xFFFF)) with { UnwrappedSequence = sequences[i] }, false);
        }

        var replayed = buffer.PublishUnpublishedAfter(65535);

        Assert.Equal([0, 1], replayed.Select(s => s.Sequence!.Value));
        Assert.Empty(buffer.PublishUnpublishedAfter(65535));
        Assert.Equal([3L, 4], buffer.PublishedAfterNumber(null, 100).Select(s => s.Number));
        Assert.Equal([1L, 2], buffer.PublishUnpublishedAfter(null).Select(s => s.Number));
    }

    [Fact]
    public void ShiftUnwrapped_MovesEveryBufferedSequenceKeepingTheMarks()
    {
        var buffer = new SampleRingBuffer(10, TimeSpan.FromHours(1));
        buffer.Add(S(1, 7) with { UnwrappedSequence = 7 }, true);
        buffer.Add(S(2, 8) with { UnwrappedSequence = 8 }, false);
        buffer.Add(S(3, null), false);

        buffer.ShiftUnwrapped(65536);

        Assert.Equal([(65543L, true), (65544L, false), ((long?)null, false)], buffer.Snapshot().Select(e => (e.Sample.UnwrappedSequence, e.Published)));
    }
}
