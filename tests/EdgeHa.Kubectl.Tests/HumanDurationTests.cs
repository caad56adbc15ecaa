using EdgeHa.Kubectl.Output;

namespace EdgeHa.Kubectl.Tests;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(-1.9, "0s")]
    [InlineData(-2, "<invalid>")]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(200, "3m20s")]
    [InlineData(600, "10m")]
    [InlineData(179 * 60, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData((5 * 3600) + (3 * 60), "5h3m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(52 * 3600, "2d4h")]
    [InlineData(10 * 86400, "10d")]
    [InlineData((800 * 86400) + 3600, "2y70d")]
    [InlineData(9L * 365 * 86400, "9y")]
    public void Age_Seconds_KubectlStyle(double seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Age(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Age_UnknownTime_Dash()
    {
        Assert.Equal("-", HumanDuration.Age(null, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData(0, "0ms")]
    [InlineData(84, "84ms")]
    [InlineData(999, "999ms")]
    [InlineData(1000, "1s")]
    [InlineData(3012, "3.012s")]
    [InlineData(3500, "3.5s")]
    [InlineData(65_500, "1m5.5s")]
    [InlineData(120_000, "2m0s")]
    [InlineData(7_203_000, "2h0m3s")]
    [InlineData(-84, "-84ms")]
    public void Milliseconds_Value_Text(long ms, string expected)
    {
        Assert.Equal(expected, HumanDuration.Milliseconds(ms));
    }
}
