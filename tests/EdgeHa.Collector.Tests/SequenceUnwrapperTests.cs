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
}
