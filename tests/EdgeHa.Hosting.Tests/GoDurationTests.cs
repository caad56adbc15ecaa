namespace EdgeHa.Hosting.Tests;

/// <summary>The one duration parser of every program, against Go's time.ParseDuration.</summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("-0", 0)]
    [InlineData("4s", 4_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData("1.5s", 1_500)]
    [InlineData(".5s", 500)]
    [InlineData("1.s", 1_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1500us", 1.5)]
    [InlineData("250µs", 0.25)]
    [InlineData("250μs", 0.25)]
    [InlineData("2000000ns", 2)]
    [InlineData("+3s", 3_000)]
    [InlineData("-1s", -1_000)]
    [InlineData("-1.5h", -5_400_000)]
    public void TryParse_GoDuration_Milliseconds(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds, 6);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("30")] // no unit
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("-")]
    [InlineData("10x")]
    [InlineData("1d")]
    [InlineData("5S")]
    [InlineData(" 5s")] // Go does not trim
    [InlineData("5s ")]
    [InlineData("4 s")]
    [InlineData("1..5s")]
    [InlineData("1.2.3s")]
    [InlineData("--5s")]
    [InlineData("3000000h")] // beyond Go's int64 nanoseconds
    public void TryParse_NotAGoDuration_False(string? text) =>
        Assert.False(GoDuration.TryParse(text, out _));
}
