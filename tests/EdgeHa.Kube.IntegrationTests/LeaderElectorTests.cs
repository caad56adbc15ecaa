using EdgeHa.Controller.LeaderElection;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>Two <see cref="LeaderElector"/>s on a <see cref="KubeLeaseLock"/> in the sandbox, with millisecond timings.</summary>
public sealed class LeaderElectorTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;

    [Fact]
    public async Task RunAsync_TwoCandidates_OneLeadsAndReleaseOnCancelHandsOver()
    {
        using var guard = Eventually.Guard();
        var leaseName = TestSandbox.UniqueName("operator-lock");
        var a = new Candidate(_sandbox.Client, leaseName, "replica-a");
        var b = new Candidate(_sandbox.Client, leaseName, "replica-b");
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);

        var runA = a.Elector.RunAsync(stopA.Token);
        await Eventually.TrueAsync(() => a.Elector.IsLeader, "replica-a leads");
        var runB = b.Elector.RunAsync(stopB.Token);

        // Several renew periods with both running: a stays the only leader.
        await Task.Delay(TimeSpan.FromMilliseconds(600), guard.Token);
        Assert.True(a.Elector.IsLeader);
        Assert.False(b.Elector.IsLeader);
        Assert.Equal(0, b.StartedCount);
        Assert.Equal("replica-a", b.Elector.ObservedLeader);
        var held = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.Equal("replica-a", held.Spec!.HolderIdentity);

        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(a.Elector.IsLeader);
        Assert.Equal(1, a.StoppedCount);

        await Eventually.TrueAsync(() => b.Elector.IsLeader, "replica-b takes over after the release", TimeSpan.FromSeconds(5));
        var taken = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.Equal("replica-b", taken.Spec!.HolderIdentity);
        Assert.True(taken.Spec.LeaseTransitions >= 1);
        Assert.False(a.Elector.IsLeader);

        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(5));
        var released = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.True(string.IsNullOrEmpty(released.Spec!.HolderIdentity));
    }

    [Fact]
    public async Task RunAsync_LeaseHeldByLiveLeader_CandidateWaitsAndNeverStarts()
    {
        using var guard = Eventually.Guard();
        var leaseName = TestSandbox.UniqueName("operator-lock");
        var a = new Candidate(_sandbox.Client, leaseName, "replica-a");
        var b = new Candidate(_sandbox.Client, leaseName, "replica-b");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);

        var runA = a.Elector.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => a.Elector.IsLeader, "replica-a leads");
        var renewedBefore = (await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token)).Spec!.RenewTime;
        var runB = b.Elector.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(1500), guard.Token); // longer than the lease duration: renewals keep it

        var lease = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.Equal("replica-a", lease.Spec!.HolderIdentity);
        Assert.True(lease.Spec.RenewTime > renewedBefore, "the leader renews the lease");
        Assert.Equal(0, b.StartedCount);

        await stop.CancelAsync();
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_LeaderVanishesWithoutRelease_OtherTakesOverAfterLeaseDurationKeepingLeaseLabels()
    {
        using var guard = Eventually.Guard();
        var leaseName = TestSandbox.UniqueName("operator-lock");
        var a = new Candidate(_sandbox.Client, leaseName, "replica-a", releaseOnCancel: false);
        var b = new Candidate(_sandbox.Client, leaseName, "replica-b");
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(guard.Token);
        var runA = a.Elector.RunAsync(stopA.Token);
        await Eventually.TrueAsync(() => a.Elector.IsLeader, "replica-a leads");
        await _sandbox.Client.PatchAsync<Lease>(leaseName, KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "edgeha-operator" } } }), "default", guard.Token);
        var runB = b.Elector.RunAsync(stopB.Token);
        await Eventually.TrueAsync(() => b.Elector.ObservedLeader == "replica-a", "replica-b sees replica-a");

        await stopA.CancelAsync(); // a crash as far as the lease is concerned: no release
        await runA.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("replica-a", (await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token)).Spec!.HolderIdentity);

        await Eventually.TrueAsync(() => b.Elector.IsLeader, "replica-b takes over once the lease expired", TimeSpan.FromSeconds(6));
        var lease = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.Equal("replica-b", lease.Spec!.HolderIdentity);
        Assert.Equal("edgeha-operator", lease.Metadata.Labels?["app.kubernetes.io/name"]);

        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private sealed class Candidate
    {
        private int _started;
        private int _stopped;

        public Candidate(IKubernetesClient client, string leaseName, string identity, bool releaseOnCancel = true) =>
            Elector = new LeaderElector(
                new KubeLeaseLock(client, "default", leaseName),
                new LeaderElectionOptions
                {
                    Name = leaseName,
                    Identity = identity,
                    // The Lease stores whole seconds (1 s minimum), so the lease duration is 1 s; renewals every 100 ms.
                    LeaseDuration = TimeSpan.FromSeconds(1),
                    RenewDeadline = TimeSpan.FromMilliseconds(600),
                    RetryPeriod = TimeSpan.FromMilliseconds(100),
                    ReleaseOnCancel = releaseOnCancel,
                    Random = new Random(identity.Length),
                },
                new LeaderCallbacks
                {
                    OnStartedLeading = async ct =>
                    {
                        Interlocked.Increment(ref _started);
                        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                    },
                    OnStoppedLeading = () => Interlocked.Increment(ref _stopped),
                });

        public LeaderElector Elector { get; }

        public int StartedCount => Volatile.Read(ref _started);

        public int StoppedCount => Volatile.Read(ref _stopped);
    }
}
