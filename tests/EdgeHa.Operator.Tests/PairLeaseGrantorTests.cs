using EdgeHa.Fencing;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;

namespace EdgeHa.Operator.Tests;

public sealed class PairLeaseGrantorTests
{
    private static readonly DateTimeOffset ObservedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly LeaseTerms Terms = LeaseTerms.Default;

    private static Lease Granted(string? holder, long epoch = 3, Action<IDictionary<string, string>>? edit = null)
    {
        var lease = new Lease { Metadata = new ObjectMeta { Name = "p", Annotations = new Dictionary<string, string>() }, Spec = new LeaseSpec { HolderIdentity = holder } };
        Terms.WriteTo(lease);
        var a = lease.Metadata.Annotations!;
        a[FencingAnnotations.Epoch] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        a[FencingAnnotations.GrantedTo] = "pod-a";
        a[FencingAnnotations.GrantedNode] = "edge-a";
        edit?.Invoke(a);
        return lease;
    }

    private static Failover.LeaseObservation Read(Lease lease, long statusEpoch = 3, Func<string, Pod?>? pods = null) =>
        PairLeaseGrantor.Read(lease, Terms, statusEpoch, ObservedAt, pods ?? (_ => null), new Dictionary<string, Pod?>());

    private static void ReleasedByHolder(IDictionary<string, string> a)
    {
        a[FencingAnnotations.ReleasedBy] = "pod-a";
        a[FencingAnnotations.ReleasedEpoch] = "3";
    }

    [Fact]
    public void Read_ReleaseRecordOfTheGrantedHolderAndEpoch_IsARelease()
    {
        var lease = Read(Granted(null, edit: ReleasedByHolder));

        Assert.Equal("pod-a", lease.ReleasedBy);
    }

    public static TheoryData<string, Action<IDictionary<string, string>>> NotReleases => new()
    {
        { "holder cleared by hand", _ => { } },
        { "release record of another identity", a => { ReleasedByHolder(a); a[FencingAnnotations.ReleasedBy] = "pod-x"; } },
        { "release record of an older epoch", a => { ReleasedByHolder(a); a[FencingAnnotations.ReleasedEpoch] = "2"; } },
        { "release record without the grant", a => { ReleasedByHolder(a); a.Remove(FencingAnnotations.GrantedTo); } },
    };

    [Theory]
    [MemberData(nameof(NotReleases))]
    public void Read_EmptyHolderWithoutTheHoldersOwnRecord_WaitsForExpiryFromWhatWeObserved(string name, Action<IDictionary<string, string>> edit)
    {
        var lease = Read(Granted(null, edit: edit));

        Assert.True(lease.ReleasedBy is null, name);
        Assert.Equal(ObservedAt, lease.RenewTime);
    }

    [Fact]
    public void Read_LeaseRecreatedAfterThePairWasPromoted_IsNotFree()
    {
        var recreated = new Lease { Metadata = new ObjectMeta { Name = "p" }, Spec = new LeaseSpec() };

        var lease = Read(recreated, statusEpoch: 5);

        Assert.Null(lease.ReleasedBy);
        Assert.Equal(ObservedAt, lease.RenewTime);
    }

    [Fact]
    public void Read_NeverGranted_HasNobodyToWaitFor()
    {
        var fresh = new Lease { Metadata = new ObjectMeta { Name = "p" }, Spec = new LeaseSpec() };

        Assert.Null(Read(fresh, statusEpoch: 0).RenewTime);
    }

    [Fact]
    public void Read_HolderRenewedUnderALongerDuration_WaitsThatLong()
    {
        // The spec was edited down to 1 s; the holder's last renewal was under 6 s.
        var shorter = new LeaseTerms(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100));
        var lease = Granted("pod-a", edit: a => a[FencingAnnotations.HolderDurationMilliseconds] = "6000");
        shorter.WriteTo(lease);

        var observed = PairLeaseGrantor.Read(lease, shorter, 3, ObservedAt, _ => null, new Dictionary<string, Pod?>());

        Assert.Equal(TimeSpan.FromSeconds(6), observed.Duration);
    }

    [Fact]
    public void Read_HolderIsTheGrantedPod_MapsToItsNodeWithoutThePod()
    {
        Assert.Equal("edge-a", Read(Granted("pod-a")).Holder);
    }

    [Fact]
    public void Read_HolderUnknown_StaysAnIdentityThatMustReleaseOrExpire()
    {
        Assert.Equal("pod/intruder", Read(Granted("intruder")).Holder);
    }

    [Fact]
    public void Grant_PreviousHoldersCollectorReport_IsCleared()
    {
        var lease = Granted("pod-a", edit: a =>
        {
            a[FencingAnnotations.CollectorRestarts] = "5";
            a[FencingAnnotations.CollectorBackOff] = "back-off 16s restarting the collector (exit code 3, 5 crashes in a row)";
            a[FencingAnnotations.PromotionGap] = "epoch=3 sequences=10-12 not-read";
        });

        var granted = PairLeaseGrantor.Grant(lease, "pod-b", "edge-b", 4, Terms, ObservedAt);

        Assert.False(granted.Metadata.Annotations!.ContainsKey(FencingAnnotations.CollectorRestarts));
        Assert.False(granted.Metadata.Annotations.ContainsKey(FencingAnnotations.CollectorBackOff));
        Assert.False(granted.Metadata.Annotations.ContainsKey(FencingAnnotations.PromotionGap));
    }

    [Theory]
    [InlineData(3, 4)] // the active's pod restarted on the same node: no transition, still a new epoch
    [InlineData(4, 4)] // a promotion already took the next one
    [InlineData(7, 7)]
    public void Grant_AlwaysTakesAnEpochAboveTheLastGranted(long decided, long expected)
    {
        var lease = Granted(null, epoch: 3);

        var granted = PairLeaseGrantor.Grant(lease, "pod-a2", "edge-a", decided, Terms, ObservedAt);

        Assert.Equal(expected, PairLeaseGrantor.Epoch(granted));
    }
}
