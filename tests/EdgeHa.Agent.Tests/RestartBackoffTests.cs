namespace EdgeHa.Agent.Tests;

public sealed class RestartBackoffTests
{
    private static readonly RestartBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));

    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(2, 2_000)]
    [InlineData(3, 4_000)]
    [InlineData(5, 16_000)]
    [InlineData(6, 30_000)]
    [InlineData(1_000, 30_000)]
    public void Delay_DoublesPerCrashUpToTheCap(int crash, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Backoff.Delay(crash, jitter: 0));

    [Fact]
    public void Delay_JitterAddsAtMostATenth() =>
        Assert.Equal(TimeSpan.FromMilliseconds(4_400), Backoff.Delay(3, jitter: 1.0));

    [Fact]
    public void CrashLoop_StartsShorterThanKubeletAndCapsLikeIt() =>
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)), (RestartBackoff.CrashLoop.Initial, RestartBackoff.CrashLoop.Max, RestartBackoff.CrashLoop.ResetAfter));
}
