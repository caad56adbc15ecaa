using EdgeHa.Controller.Queues;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Controller.Tests;

public class BucketRateLimiterTests
{
    [Fact]
    public void When_WithinBurst_ReturnsZero()
    {
        var limiter = new BucketRateLimiter<int>(10, 100, new FakeTimeProvider());

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.When(i));
        }
    }

    [Fact]
    public void When_BurstExhausted_ReservesFutureTokensAtQps()
    {
        var limiter = new BucketRateLimiter<int>(10, 100, new FakeTimeProvider());
        for (var i = 0; i < 100; i++)
        {
            limiter.When(i);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When(100));
        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.When(101));
        Assert.Equal(TimeSpan.FromMilliseconds(300), limiter.When(102));
    }

    [Fact]
    public void When_TimePasses_BucketRefillsUpToBurst()
    {
        var time = new FakeTimeProvider();
        var limiter = new BucketRateLimiter<int>(10, 2, time);
        limiter.When(1);
        limiter.When(2);
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When(3)); // bucket at -1

        time.Advance(TimeSpan.FromSeconds(10)); // refills to the burst of 2, not 99

        Assert.Equal(TimeSpan.Zero, limiter.When(4));
        Assert.Equal(TimeSpan.Zero, limiter.When(5));
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When(6));
    }

    [Fact]
    public void NumRequeues_Always_IsZero()
    {
        var limiter = new BucketRateLimiter<int>(10, 1, new FakeTimeProvider());
        limiter.When(1);
        limiter.When(1);

        Assert.Equal(0, limiter.NumRequeues(1));
    }
}
