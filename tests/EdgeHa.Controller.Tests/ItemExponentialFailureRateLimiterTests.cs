using EdgeHa.Controller.Queues;

namespace EdgeHa.Controller.Tests;

public class ItemExponentialFailureRateLimiterTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 80)]
    [InlineData(10, 2560)]
    [InlineData(18, 655360)]
    [InlineData(19, 1000000)] // 5 ms * 2^18 = 1310.72 s > 1000 s cap
    [InlineData(200, 1000000)]
    public void When_NthFailure_ReturnsBaseTimesTwoToTheNCapped(int calls, int expectedMs)
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var delay = TimeSpan.Zero;
        for (var i = 0; i < calls; i++)
        {
            delay = limiter.When("a");
        }

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
        Assert.Equal(calls, limiter.NumRequeues("a"));
    }

    [Fact]
    public void When_ItemsAreIndependent_EachHasItsOwnHistory()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        limiter.When("a");
        limiter.When("a");

        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), limiter.When("a"));
    }

    [Fact]
    public void Forget_AfterFailures_RestartsAtBaseDelay()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        limiter.When("a");
        limiter.When("a");

        limiter.Forget("a");

        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
    }

    [Fact]
    public void Constructor_MaxBelowBase_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
}
