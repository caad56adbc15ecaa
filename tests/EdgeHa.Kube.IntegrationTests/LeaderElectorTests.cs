using EdgeHa.Controller.LeaderElection;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;
using Xunit.Abstractions;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>
/// Two <see cref="LeaderElector"/>s on a <see cref="KubeLeaseLock"/> in the sandbox, with millisecond retry timings.
/// The assertions are the election's guarantees (never two leaders at once, a hand-over after a release or an expiry)
/// rather than exact schedules, so a stalled CI machine cannot make them flaky.
/// </summary>
public sealed class LeaderElectorTests(SandboxFixture fixture, ITestOutputHelper output) : IClassFixture<SandboxFixture>
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;

    [Fact]
    public async Task RunAsync_TwoCandidates_OneLeadsAndReleaseOnCancelHandsOver()
    {
        using var guard = Eventually.Guard();
        await WarmUpAsync(guard.Token);
        var leaseName = TestSandbox.UniqueName("operator-lock");
        var log = new LeadershipLog();
        var a = new Candidate(output, _sandbox.Client, leaseName, "replica-a", log);
        var b = new Candidate(output, _sandbox.Client, leaseName, "replica-b", log);

        var runA = a.Start(guard.Token);
        await Eventually.TrueAsync(() => a.Elector.IsLeader, "replica-a leads");
        var runB = b.Start(guard.Token);
        await Eventually.TrueAsync(() => b.Elector.ObservedLeader is { Length: > 0 }, "replica-b sees the leader");
        await Task.Delay(TimeSpan.FromMilliseconds(500), guard.Token); // several retry periods with both campaigning

        await Eventually.TrueAsync(() => a.Elector.IsLeader ^ b.Elector.IsLeader, "exactly one candidate leads");
        var (leader, follower) = a.Elector.IsLeader ? (a, b) : (b, a);
        Assert.Equal(leader.Identity, (await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token)).Spec!.HolderIdentity);
        Assert.Equal(leader.Identity, follower.Elector.ObservedLeader);

        await leader.StopAsync();
        Assert.False(leader.Elector.IsLeader);
        await Eventually.TrueAsync(() => follower.Elector.IsLeader, "the other candidate takes over after the release");
        var taken = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.Equal(follower.Identity, taken.Spec!.HolderIdentity);
        Assert.True(taken.Spec.LeaseTransitions >= 1);

        await follower.StopAsync();
        Assert.True(string.IsNullOrEmpty((await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token)).Spec!.HolderIdentity), "released on shutdown");
        Assert.Empty(log.Overlaps);
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_LeaseHeldByLiveLeader_CandidateNeverStartsWhileItRenews()
    {
        using var guard = Eventually.Guard();
        await WarmUpAsync(guard.Token);
        var leaseName = TestSandbox.UniqueName("operator-lock");
        var log = new LeadershipLog();
        var a = new Candidate(output, _sandbox.Client, leaseName, "replica-a", log);
        var b = new Candidate(output, _sandbox.Client, leaseName, "replica-b", log);

        var runA = a.Start(guard.Token);
        await Eventually.TrueAsync(() => a.Elector.IsLeader, "replica-a leads");
        var renewedBefore = (await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token)).Spec!.RenewTime;
        var runB = b.Start(guard.Token);
        await Task.Delay(Candidate.LeaseDuration + TimeSpan.FromMilliseconds(500), guard.Token); // past one lease duration: only renewals keep it

        var lease = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.True(lease.Spec!.RenewTime > renewedBefore, "the leader renews the lease");
        if (a.StoppedCount == 0)
        {
            // The leader never missed its renew deadline (the usual case), so the candidate must never have started.
            Assert.Equal("replica-a", lease.Spec.HolderIdentity);
            Assert.Equal(0, b.StartedCount);
        }

        await a.StopAsync();
        await b.StopAsync();
        Assert.Empty(log.Overlaps);
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_LeaderVanishesWithoutRelease_OtherTakesOverAfterExpiryKeepingLeaseLabels()
    {
        using var guard = Eventually.Guard();
        await WarmUpAsync(guard.Token);
        var leaseName = TestSandbox.UniqueName("operator-lock");
        var log = new LeadershipLog();
        var a = new Candidate(output, _sandbox.Client, leaseName, "replica-a", log, releaseOnCancel: false);
        var b = new Candidate(output, _sandbox.Client, leaseName, "replica-b", log, releaseOnCancel: false);
        var runA = a.Start(guard.Token);
        await Eventually.TrueAsync(() => a.Elector.IsLeader, "replica-a leads");
        await _sandbox.Client.PatchAsync<Lease>(leaseName, KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "edgeha-operator" } } }), "default", guard.Token);
        var runB = b.Start(guard.Token);
        await Eventually.TrueAsync(() => b.Elector.ObservedLeader is { Length: > 0 }, "replica-b sees the leader");
        await Eventually.TrueAsync(() => a.Elector.IsLeader ^ b.Elector.IsLeader, "exactly one candidate leads");
        var (leader, follower) = a.Elector.IsLeader ? (a, b) : (b, a);

        await leader.StopAsync(); // a crash as far as the lease is concerned: no release
        Assert.Equal(leader.Identity, (await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token)).Spec!.HolderIdentity);

        await Eventually.TrueAsync(() => follower.Elector.IsLeader, "the other candidate takes over once the lease expired");
        var lease = await _sandbox.Client.GetAsync<Lease>(leaseName, "default", guard.Token);
        Assert.Equal(follower.Identity, lease.Spec!.HolderIdentity);
        Assert.Equal("edgeha-operator", lease.Metadata.Labels?["app.kubernetes.io/name"]);

        await follower.StopAsync();
        Assert.Empty(log.Overlaps);
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Runs the Lease create/get/replace paths and opens a few pooled connections first, so a cold JIT or TLS
    /// handshake does not eat into the first renew deadline.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var name = TestSandbox.UniqueName("warm-up");
        var lease = await _sandbox.Client.CreateAsync(new Lease { Metadata = new ObjectMeta { Name = name, Namespace = "default" }, Spec = new LeaseSpec { HolderIdentity = "warm-up", LeaseDurationSeconds = 1 } }, cancellationToken);
        lease.Spec!.RenewTime = DateTimeOffset.UtcNow;
        await _sandbox.Client.ReplaceAsync(lease, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _sandbox.Client.GetAsync<Lease>(name, "default", cancellationToken)));
    }

    /// <summary>Who is acting as leader; records any moment two candidates act at once.</summary>
    private sealed class LeadershipLog
    {
        private readonly Lock _gate = new();
        private readonly List<string> _overlaps = [];
        private string? _acting;

        public IReadOnlyList<string> Overlaps
        {
            get
            {
                lock (_gate)
                {
                    return [.. _overlaps];
                }
            }
        }

        public void Enter(string identity)
        {
            lock (_gate)
            {
                if (_acting is not null)
                {
                    _overlaps.Add($"{identity} started leading while {_acting} still acted");
                }

                _acting = identity;
            }
        }

        public void Exit(string identity)
        {
            lock (_gate)
            {
                if (_acting == identity)
                {
                    _acting = null;
                }
            }
        }
    }

    private sealed class Candidate
    {
        /// <summary>Whole seconds on the wire (leaseDurationSeconds); 2 s with a 1.5 s renew deadline tolerates a stalled CI machine.</summary>
        public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);

        private readonly CancellationTokenSource _stop = new();
        private readonly KubernetesClient _client;
        private int _started;
        private int _stopped;
        private Task? _run;

        public Candidate(ITestOutputHelper output, KubernetesClient client, string leaseName, string identity, LeadershipLog log, bool releaseOnCancel = true)
        {
            Identity = identity;
            // Each replica has its own client (own connections), as separate processes would.
            _client = new KubernetesClient(client.Configuration, new TestOutputLogger<KubernetesClient>(output, identity + "-client"), options: client.Options);
            Elector = new LeaderElector(
                new KubeLeaseLock(_client, "default", leaseName),
                new LeaderElectionOptions
                {
                    Name = leaseName,
                    Identity = identity,
                    LeaseDuration = LeaseDuration,
                    RenewDeadline = TimeSpan.FromMilliseconds(1500),
                    RetryPeriod = TimeSpan.FromMilliseconds(100),
                    ReleaseOnCancel = releaseOnCancel,
                    Random = new Random(identity.Length),
                    Logger = new TestOutputLogger(output, identity),
                },
                new LeaderCallbacks
                {
                    OnStartedLeading = async ct =>
                    {
                        Interlocked.Increment(ref _started);
                        log.Enter(identity);
                        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => log.Exit(identity), TaskScheduler.Default);
                    },
                    OnStoppedLeading = () => Interlocked.Increment(ref _stopped),
                });
        }

        public string Identity { get; }

        public LeaderElector Elector { get; }

        public int StartedCount => Volatile.Read(ref _started);

        public int StoppedCount => Volatile.Read(ref _stopped);

        public Task Start(CancellationToken guard)
        {
            guard.Register(_stop.Cancel);
            _run = Elector.RunAsync(_stop.Token);
            return _run;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run!.WaitAsync(TimeSpan.FromSeconds(5));
            _client.Dispose();
        }
    }
}
