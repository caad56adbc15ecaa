namespace EdgeHa.Collector.Tests;

public sealed class SequenceUnwrapperTests
{
    [Theory]
    [InlineData(new[] { 65534, 65535, 0, 1 }, new long[] { 65534, 65535, 65536, 65537 })]
    [InlineData(new[] { 10, 10, 12, 11 }, new long[] { 10, 10, 12, 11 })] // repeats and a step back are not wraps
    [InlineData(new[] { 65535, 0, 65535, 0 }, new long[] { 65535, 65536, 65535, 65536 })]
    [InlineData(new[] { 100, 40000, 100 }, new long[] { 100, 40000, 65636 })] // more than half the ring counts as a wrap
    [InlineData(new[] { 5, 65530 }, new long[] { 5, 65530 })] // a step back before any wrap keeps the raw value
    public void Unwrap_SixteenBitCounter_CountsTheWraps(int[] raw, long[] expected)
    {
        var unwrapper = new SequenceUnwrapper();

        Assert.Equal(expected, raw.Select(unwrapper.Unwrap));
    }

    [Theory]
    [InlineData(65530L, 65537L, 65537L, 0L)] // same numbering, across the wrap: 65537 is after this collector's 65530..65535
    [InlineData(100L, 65636L, 65636L, 65536L)] // this collector started after a wrap the recorder saw: it moves up
    [InlineData(2L, 65535L, 65535L, 65536L)] // the recorder is one short of a wrap this collector has not counted
    [InlineData(65700L, 100L, 65636L, 0L)] // the raw register an older collector recorded: matched on the ring, never moving down
    [InlineData(131172L, 65636L, 131172L, 0L)] // the recorder restarted since: still the same register value 100
    public void Align_RecordedSequence_GivesItInThisNumberingAndMovesOnlyUp(long polledFrom, long recorded, long expected, long expectedShift)
    {
        var unwrapper = new SequenceUnwrapper();
        for (long v = 0; v < polledFrom; v += 30_000)
        {
            unwrapper.Unwrap((int)(v & 0xFFFF)); // steps under half the ring: counted as wraps where they cross one
        }

        for (long v = polledFrom; v <= polledFrom + 6; v++)
        {
            unwrapper.Unwrap((int)(v & 0xFFFF));
        }

        var aligned = unwrapper.Align(recorded, out var shift);

        Assert.Equal((expected, expectedShift), (aligned, shift));
        Assert.Equal(polledFrom + 7 + shift, unwrapper.Unwrap((int)((polledFrom + 7) & 0xFFFF)));
    }

    [Fact]
    public void Align_NothingPolledYet_StartsFromTheRecordedSequence()
    {
        var unwrapper = new SequenceUnwrapper();

        Assert.Equal(131_071, unwrapper.Align(131_071, out var shift));
        Assert.Equal(0, shift);
        Assert.Equal(131_072, unwrapper.Unwrap(0));
    }
}
