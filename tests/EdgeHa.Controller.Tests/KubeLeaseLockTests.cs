using EdgeHa.Controller.LeaderElection;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Moq;

namespace EdgeHa.Controller.Tests;

public class KubeLeaseLockTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Mock<IKubernetesClient> _client = new(MockBehavior.Strict);
    private readonly ResourceType _leases = ResourceType.Of<Lease>();

    [Fact]
    public async Task GetAsync_NotFound_ReturnsNull()
    {
        _client.Setup(c => c.GetAsync<Lease>(_leases, "sys", "op", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new NotFoundException(new Status { Code = 404, Reason = "NotFound" }));

        Assert.Null(await NewLock().GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_Lease_MapsSpecToRecord()
    {
        _client.Setup(c => c.GetAsync<Lease>(_leases, "sys", "op", It.IsAny<CancellationToken>())).ReturnsAsync(new Lease
        {
            Metadata = new ObjectMeta { Name = "op", Namespace = "sys", ResourceVersion = "42" },
            Spec = new LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 4, AcquireTime = T0, RenewTime = T0.AddSeconds(1), LeaseTransitions = 2 },
        });

        var snapshot = await NewLock().GetAsync(CancellationToken.None);

        Assert.Equal("42", snapshot!.ResourceVersion);
        Assert.Equal(
            new LeaderElectionRecord { HolderIdentity = "pod-a", LeaseDuration = TimeSpan.FromSeconds(4), AcquireTime = T0, RenewTime = T0.AddSeconds(1), LeaderTransitions = 2 },
            snapshot.Record);
    }

    [Fact]
    public async Task CreateAsync_AlreadyExists_ThrowsLeaseConflict()
    {
        _client.Setup(c => c.CreateAsync(_leases, It.IsAny<Lease>(), "sys", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AlreadyExistsException(new Status { Code = 409, Reason = "AlreadyExists" }));

        await Assert.ThrowsAsync<LeaseConflictException>(() => NewLock().CreateAsync(new LeaderElectionRecord { HolderIdentity = "a" }, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_StaleResourceVersion_ThrowsLeaseConflict()
    {
        _client.Setup(c => c.ReplaceAsync(_leases, It.IsAny<Lease>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException(new Status { Code = 409, Reason = "Conflict" }));

        await Assert.ThrowsAsync<LeaseConflictException>(() => NewLock().UpdateAsync(new LeaderElectionRecord { HolderIdentity = "a" }, "1", CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_AfterGet_SendsResourceVersionAndKeepsLabels()
    {
        _client.Setup(c => c.GetAsync<Lease>(_leases, "sys", "op", It.IsAny<CancellationToken>())).ReturnsAsync(new Lease
        {
            Metadata = new ObjectMeta { Name = "op", Namespace = "sys", ResourceVersion = "42", Labels = new Dictionary<string, string> { ["team"] = "ot" } },
            Spec = new LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 4 },
        });
        Lease? sent = null;
        _client.Setup(c => c.ReplaceAsync(_leases, It.IsAny<Lease>(), It.IsAny<CancellationToken>()))
            .Callback<ResourceType, Lease, CancellationToken>((_, l, _) => sent = l)
            .ReturnsAsync((ResourceType _, Lease l, CancellationToken _) => l);
        var leaseLock = NewLock();
        await leaseLock.GetAsync(CancellationToken.None);

        await leaseLock.UpdateAsync(new LeaderElectionRecord { HolderIdentity = "pod-b", LeaseDuration = TimeSpan.FromMilliseconds(2500) }, "42", CancellationToken.None);

        Assert.Equal("42", sent!.Metadata.ResourceVersion);
        Assert.Equal("ot", sent.Metadata.Labels!["team"]);
        Assert.Equal("pod-b", sent.Spec!.HolderIdentity);
        Assert.Equal(3, sent.Spec.LeaseDurationSeconds); // whole seconds, rounded up
    }

    [Theory]
    [InlineData(4000, 4)]
    [InlineData(100, 1)]
    [InlineData(0, 1)]
    [InlineData(1001, 2)]
    public void ToSpec_LeaseDuration_WholeSecondsRoundedUpAtLeastOne(int ms, int seconds) =>
        Assert.Equal(seconds, KubeLeaseLock.ToSpec(new LeaderElectionRecord { LeaseDuration = TimeSpan.FromMilliseconds(ms) }, null).LeaseDurationSeconds);

    private KubeLeaseLock NewLock() => new(_client.Object, "sys", "op");
}
