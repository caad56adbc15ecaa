using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class SequenceUnwrapperTests
{
    [Fact]
    public void Unwrap_AcrossTheWrap_KeepsCounting()
    {
        var u = new SequenceUnwrapper();
        Assert.Equal(65534, u.Unwrap(65534));
        Assert.Equal(65535, u.Unwrap(65535));
        Assert.Equal(65536, u.Unwrap(0));
        Assert.Equal(65537, u.Unwrap(1));
    }

    [Fact]
    public void Unwrap_OlderValueReadAgain_MapsBehindTheHighest()
    {
        var u = new SequenceUnwrapper();
        u.Unwrap(65530);
        u.Unwrap(3); // 65539
        Assert.Equal(65533, u.Unwrap(65533));
        Assert.Equal(65540, u.Unwrap(4));
    }

    [Fact]
    public void Unwrap_TwoFullWraps_StaysMonotonic()
    {
        var u = new SequenceUnwrapper();
        long last = -1;
        for (var i = 0; i < 3 * 65536; i += 1000)
        {
            var value = u.Unwrap(i % 65536);
            Assert.Equal(i, value);
            Assert.True(value > last);
            last = value;
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Unwrap_OutOfRange_Throws(int sequence) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceUnwrapper().Unwrap(sequence));
}
