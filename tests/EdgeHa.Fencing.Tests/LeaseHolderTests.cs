using EdgeHa.Kube.Models;
using EdgeHa.TestSupport;

namespace EdgeHa.Fencing.Tests;

public sealed class LeaseHolderTests : IAsyncDisposable
{
    private const string LeaseName = "line-1";
    private readonly InMemoryLeaseApi _api = new();
    private readonly ManualTimeProvider _time = new();
    private long? _published;
    private readonly LeaseHolder _holder;

    public LeaseHolderTests()
    {
        _holder = new LeaseHolder(_api, new LeaseHolderOptions { Namespace = "default", LeaseName = LeaseName, Identity = "pod-a" }, () => _published, _time);
    }

    [Fact]
    public async Task StepAsync_GrantedToUs_RenewsThenActsWithEpochAndPreviousSequence()
    {
        _api.Seed(LeaseName, "pod-a", epoch: 7, lastSequence: 4711);

        var next = await _holder.StepAsync(CancellationToken.None);

        var state = _holder.State;
        Assert.True(state.Acting);
        Assert.Equal(7, state.Epoch);
        Assert.Equal(4711, state.PreviousLastSequence);
        Assert.Equal(LeaseTerms.Default.RenewInterval, next);
        Assert.Equal(_time.GetUtcNow(), _api.Read(LeaseName).Spec!.RenewTime);
    }

    [Fact]
    public async Task StepAsync_HeldBySomeoneElse_DoesNotActAndSaysWho()
    {
        _api.Seed(LeaseName, "pod-b");

        await _holder.StepAsync(CancellationToken.None);

        Assert.False(_holder.State.Acting);
        Assert.Equal("the lease is held by pod-b", _holder.State.Reason);
        Assert.Equal(0, _api.Writes);
    }

    [Fact]
    public async Task StepAsync_LeaseMissing_DoesNotAct()
    {
        await _holder.StepAsync(CancellationToken.None);

        Assert.False(_holder.State.Acting);
        Assert.Equal("the pair lease does not exist", _holder.State.Reason);
    }

    [Fact]
    public async Task State_ApiUnreachableAfterRenewal_StopsActingWhenTheActingWindowEnds()
    {
        _api.Seed(LeaseName, "pod-a");
        await _holder.StepAsync(CancellationToken.None);
        _api.Unreachable = true;
        var changes = new List<HoldingState>();
        _holder.StateChanged += (_, s) => changes.Add(s);

        _time.Advance(LeaseTerms.Default.ActingWindow - TimeSpan.FromMilliseconds(1));
        await _holder.StepAsync(CancellationToken.None); // fails: the holding stands until its window runs out
        Assert.True(_holder.State.Acting);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_holder.State.Acting);
        Assert.Single(changes);
        Assert.False(changes[0].Acting);
    }

    [Fact]
    public async Task State_ActingWindow_EndsAMarginBeforeTheLeaseCouldExpire()
    {
        var terms = new LeaseTerms(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));
        _api.Seed(LeaseName, "pod-a", terms: terms);
        await _holder.StepAsync(CancellationToken.None);
        _api.Unreachable = true;

        _time.Advance(TimeSpan.FromMilliseconds(2500));

        Assert.False(_holder.State.Acting);
    }

    [Fact]
    public async Task StepAsync_HandoverRequested_StopsActingRecordsLastSequenceAndReleases()
    {
        _api.Seed(LeaseName, "pod-a", lastSequence: 10);
        await _holder.StepAsync(CancellationToken.None);
        _published = 42;
        _api.Edit(LeaseName, l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");

        await _holder.StepAsync(CancellationToken.None);

        Assert.False(_holder.State.Acting);
        var lease = _api.Read(LeaseName);
        Assert.Null(lease.Spec!.HolderIdentity);
        Assert.Equal("42", lease.Metadata.Annotations![FencingAnnotations.LastPublishedSequence]);
        Assert.False(lease.Metadata.Annotations.ContainsKey(FencingAnnotations.HandoverRequested));
    }

    [Fact]
    public async Task StepAsync_FirstRenewal_KeepsThePreviousHoldersSequence()
    {
        _api.Seed(LeaseName, "pod-a", lastSequence: 100);
        _published = 3; // stale, from an earlier holding of ours

        await _holder.StepAsync(CancellationToken.None);

        Assert.Equal("100", _api.Read(LeaseName).Metadata.Annotations![FencingAnnotations.LastPublishedSequence]);
    }

    [Fact]
    public async Task StepAsync_LaterRenewal_RecordsOurLastPublishedSequence()
    {
        _api.Seed(LeaseName, "pod-a", lastSequence: 100);
        await _holder.StepAsync(CancellationToken.None);
        _published = 105;

        await _holder.StepAsync(CancellationToken.None);

        Assert.Equal("105", _api.Read(LeaseName).Metadata.Annotations![FencingAnnotations.LastPublishedSequence]);
    }

    [Fact]
    public async Task StepAsync_RenewalSlowerThanTheActingWindow_DoesNotActAndDoesNotThrow()
    {
        _api.Seed(LeaseName, "pod-a");
        _api.BeforeWrite = () => _time.Advance(LeaseTerms.Default.ActingWindow + TimeSpan.FromMilliseconds(1));

        await _holder.StepAsync(CancellationToken.None);

        Assert.False(_holder.State.Acting);
    }

    [Fact]
    public async Task StepAsync_HoldingTakenAway_StopsActingAtOnce()
    {
        _api.Seed(LeaseName, "pod-a");
        await _holder.StepAsync(CancellationToken.None);

        _api.Edit(LeaseName, l => l.Spec!.HolderIdentity = "pod-b");
        await _holder.StepAsync(CancellationToken.None);

        Assert.False(_holder.State.Acting);
    }

    [Fact]
    public async Task StepAsync_NewEpoch_RaisesStateChanged()
    {
        _api.Seed(LeaseName, "pod-a", epoch: 1);
        await _holder.StepAsync(CancellationToken.None);
        var changes = new List<HoldingState>();
        _holder.StateChanged += (_, s) => changes.Add(s);

        _api.Edit(LeaseName, l => l.Metadata.Annotations![FencingAnnotations.Epoch] = "2");
        await _holder.StepAsync(CancellationToken.None);

        Assert.Equal(2, Assert.Single(changes).Epoch);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReleasesTheHolding()
    {
        _api.Seed(LeaseName, "pod-a");
        using var cts = new CancellationTokenSource();
        var run = _holder.RunAsync(cts.Token);
        await WaitUntil(() => _holder.State.Acting);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(_holder.State.Acting);
        Assert.Null(_api.Read(LeaseName).Spec!.HolderIdentity);
    }

    [Theory]
    [InlineData("3000", "1000", "500", 3000, 1000, 500)]
    [InlineData("800", "200", "100", 800, 200, 100)]
    [InlineData("1000", "2000", "100", 3000, 1000, 500)] // renew beyond duration: invalid, defaults kept
    [InlineData("abc", "1000", "500", 3000, 1000, 500)] // unparsable duration falls back to leaseDurationSeconds (3)
    public void FromLease_Annotations_GiveTheTerms(string duration, string renew, string margin, int expectDuration, int expectRenew, int expectMargin)
    {
        var lease = new Lease { Spec = new LeaseSpec { LeaseDurationSeconds = 3 } };
        lease.Metadata.Annotations = new Dictionary<string, string>
        {
            [FencingAnnotations.LeaseDurationMilliseconds] = duration,
            [FencingAnnotations.RenewIntervalMilliseconds] = renew,
            [FencingAnnotations.ClockSkewMarginMilliseconds] = margin,
        };

        var terms = LeaseTerms.FromLease(lease, LeaseTerms.Default);

        Assert.Equal(new LeaseTerms(TimeSpan.FromMilliseconds(expectDuration), TimeSpan.FromMilliseconds(expectRenew), TimeSpan.FromMilliseconds(expectMargin)), terms);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync() => await _holder.DisposeAsync();
}
