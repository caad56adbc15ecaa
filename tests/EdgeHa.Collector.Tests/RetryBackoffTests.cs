namespace EdgeHa.Collector.Tests;

public sealed class RetryBackoffTests
{
    [Fact]
    public void Next_Doubles_WithJitter_UpToTheCap_AndResetStartsAgain()
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

        var waits = Enumerable.Range(0, 12).Select(_ => backoff.Next().TotalMilliseconds).ToList();

        double[] full = [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000, 10_000, 10_000];
        for (var i = 0; i < full.Length; i++)
        {
            Assert.InRange(waits[i], full[i] * 0.5, full[i]);
        }

        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }
}
