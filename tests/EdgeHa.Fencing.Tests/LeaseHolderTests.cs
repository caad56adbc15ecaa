using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Fencing.Tests;

public sealed class LeaseHolderTests : IAsyncDisposable
{
    private const string LeaseName = "line-1";
    private readonly InMemoryLeaseApi _api = new();
    private readonly FakeTimeProvider _time = new();
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
    public async Task StepAsync_SequencePastTheSixteenBitWrap_IsRecordedAndReadBackWhole()
    {
        _api.Seed(LeaseName, "pod-a", lastSequence: 65535);
        await _holder.StepAsync(CancellationToken.None);
        _published = 4_294_967_301; // 65536 wraps of the device counter and then some

        await _holder.StepAsync(CancellationToken.None);
        await using var next = new LeaseHolder(_api, new LeaseHolderOptions { Namespace = "default", LeaseName = LeaseName, Identity = "pod-b" }, () => null, _time);
        _api.Edit(LeaseName, l => l.Spec!.HolderIdentity = "pod-b");
        await next.StepAsync(CancellationToken.None);

        Assert.Equal("4294967301", _api.Read(LeaseName).Metadata.Annotations![FencingAnnotations.LastPublishedSequence]);
        Assert.Equal(4_294_967_301, next.State.PreviousLastSequence);
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
    public async Task StepAsync_RenewalAnsweredAfterItsWindow_NeverSignalsActing()
    {
        // A listener such as the agent starts its child on the event: a late renewal must not raise one.
        _api.Seed(LeaseName, "pod-a");
        var changes = new List<HoldingState>();
        _holder.StateChanged += (_, s) => changes.Add(s);
        _api.BeforeWrite = () => _time.Advance(LeaseTerms.Default.ActingWindow + TimeSpan.FromMilliseconds(1));

        await _holder.StepAsync(CancellationToken.None);

        Assert.DoesNotContain(changes, c => c.Acting);
        Assert.Equal("the renewal returned after its acting window had closed", _holder.State.Reason);
    }

    [Fact]
    public async Task StepAsync_RenewalAnsweredJustInsideItsWindow_ActsUntilTheWindowEnds()
    {
        _api.Seed(LeaseName, "pod-a");
        var changes = new List<HoldingState>();
        _holder.StateChanged += (_, s) => changes.Add(s);
        _api.BeforeWrite = () => _time.Advance(LeaseTerms.Default.ActingWindow - TimeSpan.FromMilliseconds(10));

        await _holder.StepAsync(CancellationToken.None);
        Assert.True(_holder.State.Acting);
        _api.BeforeWrite = null;
        _api.Unreachable = true;

        _time.Advance(TimeSpan.FromMilliseconds(10)); // the deadline timer fires: the event comes in order, after the start

        Assert.Equal([true, false], changes.Select(c => c.Acting));
    }

    [Fact]
    public async Task StepAsync_Holding_RenewsWithOnePutAndNoRead()
    {
        _api.Seed(LeaseName, "pod-a");
        await _holder.StepAsync(CancellationToken.None);
        var reads = _api.Reads;

        await _holder.StepAsync(CancellationToken.None);
        await _holder.StepAsync(CancellationToken.None);

        Assert.Equal(reads, _api.Reads);
        Assert.Equal(3, _api.Writes);
        Assert.True(_holder.State.Acting);
    }

    [Fact]
    public async Task StepAsync_Renewal_DeclaresTheDurationItActsUnder()
    {
        var terms = new LeaseTerms(TimeSpan.FromMilliseconds(2000), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(200));
        _api.Seed(LeaseName, "pod-a", terms: terms);

        await _holder.StepAsync(CancellationToken.None);

        Assert.Equal("2000", _api.Read(LeaseName).Metadata.Annotations![FencingAnnotations.HolderDurationMilliseconds]);
    }

    [Fact]
    public async Task StepAsync_HandoverRequested_WritesTheReleaseRecordInTheSameWrite()
    {
        _api.Seed(LeaseName, "pod-a", epoch: 4);
        await _holder.StepAsync(CancellationToken.None);
        _published = 9;
        _api.Edit(LeaseName, l => l.Metadata.Annotations![FencingAnnotations.HandoverRequested] = "pod-b");
        var writes = _api.Writes;

        await _holder.StepAsync(CancellationToken.None);

        var annotations = _api.Read(LeaseName).Metadata.Annotations!;
        Assert.Equal(writes + 1, _api.Writes);
        Assert.Equal("pod-a", annotations[FencingAnnotations.ReleasedBy]);
        Assert.Equal("4", annotations[FencingAnnotations.ReleasedEpoch]);
        Assert.Equal("9", annotations[FencingAnnotations.LastPublishedSequence]);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task StepAsync_ServerRefuses_DoesNotCountAsReachable(int code)
    {
        _api.Seed(LeaseName, "pod-a");
        await _holder.StepAsync(CancellationToken.None);
        _api.Refuse = () => code == 403
            ? new ForbiddenException(new Status { Code = code, Reason = "Forbidden" })
            : new KubernetesApiException(new Status { Code = code, Reason = "Refused" });

        _time.Advance(TimeSpan.FromSeconds(5));
        await _holder.StepAsync(CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(5), _holder.SinceLastApiSuccess);
        Assert.False(_holder.State.Acting);
    }

    [Fact]
    public async Task StepAsync_ApiFailing_BacksOffExponentiallyUpToHalfTheRenewInterval()
    {
        _api.Seed(LeaseName, "pod-a");
        _api.Unreachable = true;

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            waits.Add(await _holder.StepAsync(CancellationToken.None));
        }

        // Equal jitter: attempt n waits within [d/2, d], d = min(cap, 50 ms x 2^(n-1)).
        Assert.InRange(waits[0], TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(50));
        Assert.InRange(waits[3], TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400));
        Assert.All(waits, w => Assert.True(w <= LeaseTerms.Default.RenewInterval / 2));
        Assert.InRange(waits[7], LeaseTerms.Default.RenewInterval / 4, LeaseTerms.Default.RenewInterval / 2);
    }

    [Theory]
    [InlineData(3000, 1000, 500, null, true)] // derived request timeout 500 ms: 1000 + 2 x 500 < 2500
    [InlineData(3000, 1000, 500, 700, true)]
    [InlineData(3000, 1000, 500, 750, false)] // 1000 + 1500 is not below 2500
    [InlineData(1500, 1300, 200, null, false)] // renew interval fills the whole acting window
    public void IsValid_RenewIntervalPlusTwoRequestTimeouts_MustFitTheActingWindow(int duration, int renew, int margin, int? timeout, bool valid)
    {
        var terms = new LeaseTerms(TimeSpan.FromMilliseconds(duration), TimeSpan.FromMilliseconds(renew), TimeSpan.FromMilliseconds(margin))
        {
            RequestTimeout = timeout is int t ? TimeSpan.FromMilliseconds(t) : null,
        };

        Assert.Equal(valid, terms.IsValid);
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
