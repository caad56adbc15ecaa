using EdgeHa.Operator.Hosting;

namespace EdgeHa.Operator.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("4s", 4000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("250us", 0.25)]
    [InlineData("0", 0)]
    [InlineData(" 3s ", 3000)]
    public void TryParse_GoDuration_ReturnsMilliseconds(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("s")]
    [InlineData("4x")]
    [InlineData("4 s")]
    [InlineData("1..5s")]
    [InlineData(null)]
    public void TryParse_NotADuration_ReturnsFalse(string? text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(4000, "4s")]
    [InlineData(500, "500ms")]
    [InlineData(90_000, "1m30s")]
    [InlineData(0, "0s")]
    public void Format_Duration_WritesGoStyle(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
