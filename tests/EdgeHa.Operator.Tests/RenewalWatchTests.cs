using EdgeHa.Operator.Reconciliation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Operator.Tests;

public sealed class RenewalWatchTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ObservedClock _clock;
    private readonly List<string> _queued = [];
    private readonly RenewalWatch _watch;

    public RenewalWatchTests()
    {
        _clock = new ObservedClock(_time);
        _watch = new RenewalWatch(_clock, _time, key => { lock (_queued) { _queued.Add(key); } });
    }

    public void Dispose() => _watch.Dispose();

    [Fact]
    public void Watch_RenewalsKeepComing_QueuesNothingThenOnceWhenTheyStop()
    {
        _clock.Note("lease/default/line1", "renew-1");
        _watch.Watch("default/line1", TimeSpan.FromSeconds(3));

        _time.Advance(TimeSpan.FromSeconds(2));
        _clock.Note("lease/default/line1", "renew-2"); // a renewal: the pause starts again
        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Empty(_queued);

        _time.Advance(TimeSpan.FromSeconds(1)); // 3.5 s since the last renewal
        Assert.Equal(["default/line1"], _queued);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_queued); // queued once; the reconcile it gets watches again if it should
    }

    [Fact]
    public void Watch_TwoPairs_EachQueuedAtItsOwnDeadline()
    {
        _clock.Note("lease/default/a", "1");
        _clock.Note("lease/default/b", "1");
        _watch.Watch("default/a", TimeSpan.FromSeconds(5));
        _watch.Watch("default/b", TimeSpan.FromSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(2.1));
        Assert.Equal(["default/b"], _queued);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["default/b", "default/a"], _queued);
    }

    [Fact]
    public void Stop_APairNoLongerWatched_IsNotQueued()
    {
        _clock.Note("lease/default/line1", "renew-1");
        _watch.Watch("default/line1", TimeSpan.FromSeconds(3));
        _watch.Stop("default/line1");

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(_queued);
    }
}
