using EdgeHa.Operator.Reconciliation;
using EdgeHa.TestSupport;

namespace EdgeHa.Operator.Tests;

public sealed class ObservedClockTests
{
    private readonly WallClockSteppingTimeProvider _time = new();
    private readonly ObservedClock _clock;

    public ObservedClockTests() => _clock = new ObservedClock(_time);

    [Fact]
    public void Observe_SameStamp_KeepsTheFirstObservationTime()
    {
        var first = _clock.Observe("lease", "holder|t1", _time.GetUtcNow());

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(first, _clock.Observe("lease", "holder|t1", _time.GetUtcNow()));
    }

    [Fact]
    public void Observe_ChangedStamp_RestartsFromOurClockNotTheWrittenTime()
    {
        _clock.Observe("lease", "holder|2020-01-01T00:00:00Z", _time.GetUtcNow());

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(_time.GetUtcNow(), _clock.Observe("lease", "holder|1999-01-01T00:00:00Z", _time.GetUtcNow()));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-10)]
    public void Observe_WallClockStepped_ElapsedTimeIsStillMonotonic(int stepSeconds)
    {
        _clock.Observe("lease", "holder|t1", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(1));

        _time.StepWallClock(TimeSpan.FromSeconds(stepSeconds)); // an NTP step
        var now = _time.GetUtcNow();

        // The engine compares now - observedAt with the lease duration: that must stay the 1 s that really passed.
        Assert.Equal(TimeSpan.FromSeconds(1), now - _clock.Observe("lease", "holder|t1", now));
    }

    [Fact]
    public void Note_ThenObserve_CountsFromTheNote()
    {
        _clock.Note("lease", "holder|t1");
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), _clock.Age("lease"));
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(2), _clock.Observe("lease", "holder|t1", _time.GetUtcNow()));
    }

    [Fact]
    public void Forget_Key_StartsAgainAtTheNextObservationAndFreesIt()
    {
        _clock.Observe("lease/a", "x", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(1));

        _clock.Forget("lease/a");

        Assert.Equal(0, _clock.Count);
        Assert.Equal(_time.GetUtcNow(), _clock.Observe("lease/a", "x", _time.GetUtcNow()));
    }

    [Fact]
    public void Longest_ShorterDurationSeenWhileTheLongerMayStillRun_KeepsTheLonger()
    {
        var margin = TimeSpan.FromMilliseconds(200);
        _clock.Longest("lease", TimeSpan.FromMilliseconds(1500), margin);

        // The Lease is recreated under 600 ms terms: a holder that renewed under 1500 ms may still act.
        _time.Advance(TimeSpan.FromMilliseconds(300));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), _clock.Longest("lease", TimeSpan.FromMilliseconds(600), margin));
    }

    [Fact]
    public void Longest_AfterTheLongerDurationAndMarginHavePassed_TakesTheCurrent()
    {
        var margin = TimeSpan.FromMilliseconds(200);
        _clock.Longest("lease", TimeSpan.FromMilliseconds(1500), margin);

        _time.Advance(TimeSpan.FromMilliseconds(1700));

        Assert.Equal(TimeSpan.FromMilliseconds(600), _clock.Longest("lease", TimeSpan.FromMilliseconds(600), margin));
        Assert.Equal(TimeSpan.FromMilliseconds(600), _clock.Remembered("lease"));
    }

    [Fact]
    public void Forget_Key_ForgetsItsDurationToo()
    {
        _clock.Longest("lease", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(2));

        _clock.Forget("lease");

        Assert.Null(_clock.Remembered("lease"));
        Assert.Equal(0, _clock.Count);
    }
}
