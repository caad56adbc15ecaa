using EdgeHa.Kube.Config;

namespace EdgeHa.Kube.Tests;

public sealed class KubeRetryPolicyTests
{
    [Theory]
    [InlineData(1, 50, 100)]
    [InlineData(2, 100, 200)]
    [InlineData(3, 200, 400)]
    [InlineData(10, 500, 1000)]
    [InlineData(100, 500, 1000)]
    public void Backoff_Attempt_IsWithinHalfToFullOfCappedExponential(int attempt, double minMs, double maxMs)
    {
        var policy = new KubeRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        var random = new Random(42);

        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(policy.Backoff(attempt, random).TotalMilliseconds, minMs, maxMs);
        }
    }

    [Fact]
    public void Backoff_ManyDraws_AreJittered()
    {
        var policy = new KubeRetryPolicy();
        var random = new Random(1);

        var distinct = Enumerable.Range(0, 50).Select(_ => policy.Backoff(3, random)).Distinct().Count();

        Assert.True(distinct > 40);
    }

    [Fact]
    public void None_AllowsOneAttempt()
    {
        Assert.Equal(1, KubeRetryPolicy.None.MaxAttempts);
    }
}
