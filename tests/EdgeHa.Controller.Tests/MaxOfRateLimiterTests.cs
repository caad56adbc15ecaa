using EdgeHa.Controller.Queues;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Controller.Tests;

public class MaxOfRateLimiterTests
{
    [Fact]
    public void When_DefaultControllerLimiter_PerItemBackoffWhileBucketHasTokens()
    {
        var limiter = RateLimiters.DefaultController<string>(new FakeTimeProvider());

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), limiter.When("a"));
        Assert.Equal(3, limiter.NumRequeues("a"));
    }

    [Fact]
    public void When_DefaultControllerLimiter_BucketDominatesAfterBurst()
    {
        var limiter = RateLimiters.DefaultController<string>(new FakeTimeProvider());
        for (var i = 0; i < 100; i++)
        {
            limiter.When($"item-{i}");
        }

        // Item backoff says 5 ms, the exhausted bucket (10 qps) says 100 ms: the larger wins.
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("fresh"));
    }

    [Fact]
    public void Forget_ForgetsInEveryLimiter()
    {
        var a = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        var b = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(1));
        var limiter = new MaxOfRateLimiter<string>(a, b);
        limiter.When("x");
        limiter.When("x");

        limiter.Forget("x");

        Assert.Equal(0, a.NumRequeues("x"));
        Assert.Equal(0, b.NumRequeues("x"));
        Assert.Equal(TimeSpan.FromMilliseconds(2), limiter.When("x"));
    }
}
