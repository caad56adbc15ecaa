using EdgeHa.Operator.Reconciliation;
using EdgeHa.TestSupport;

namespace EdgeHa.Operator.Tests;

public sealed class ObservedClockTests
{
    [Fact]
    public void Observe_SameStamp_KeepsTheFirstObservationTime()
    {
        var time = new ManualTimeProvider();
        var clock = new ObservedClock(time);
        var first = clock.Observe("lease", "holder|t1");

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(first, clock.Observe("lease", "holder|t1"));
    }

    [Fact]
    public void Observe_ChangedStamp_RestartsFromOurClockNotTheWrittenTime()
    {
        var time = new ManualTimeProvider();
        var clock = new ObservedClock(time);
        clock.Observe("lease", "holder|2020-01-01T00:00:00Z");

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(time.GetUtcNow(), clock.Observe("lease", "holder|1999-01-01T00:00:00Z"));
    }

    [Fact]
    public void Forget_Key_StartsAgainAtTheNextObservation()
    {
        var time = new ManualTimeProvider();
        var clock = new ObservedClock(time);
        clock.Observe("lease/a", "x");
        time.Advance(TimeSpan.FromSeconds(1));

        clock.ForgetPrefix("lease/");

        Assert.Equal(time.GetUtcNow(), clock.Observe("lease/a", "x"));
    }
}
