using System.Diagnostics;
using EdgeHa.Controller.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Controller.Tests;

public sealed class LeaderElectorTests : IDisposable
{
    private readonly TestMetrics _metrics = new();
    private readonly InMemoryLeaseLock _lock = new("edgeha-system/edgeha-operator");

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task RunAsync_TwoCandidates_ExactlyOneLeads()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var a = new Candidate("a", _lock, Fast(), _metrics);
        var b = new Candidate("b", _lock, Fast(), _metrics);
        var runs = new[] { a.Start(cts.Token), b.Start(cts.Token) };

        await Wait.UntilAsync(() => a.Elector.IsLeader || b.Elector.IsLeader, "a leader");
        var overlap = false;
        for (var i = 0; i < 100; i++)
        {
            overlap |= a.Elector.IsLeader && b.Elector.IsLeader;
            await Task.Delay(3);
        }

        var leader = a.Elector.IsLeader ? a : b;
        var follower = leader == a ? b : a;
        Assert.False(overlap);
        Assert.Equal(1, leader.Started);
        Assert.Equal(0, follower.Started);
        await Wait.UntilAsync(() => follower.NewLeaders.Contains(leader.Id), "the follower to observe the leader");
        Assert.Equal(leader.Id, _lock.Record!.HolderIdentity);
        Assert.Equal(1, _metrics.Value($"leader_election_master_status{{name=\"operator-{leader.Id}\"}}"));
        Assert.Equal(0, _metrics.Value($"leader_election_master_status{{name=\"operator-{follower.Id}\"}}"));
        // A candidate finding the lease held is not a renew error: the follower's series exists and stays at zero.
        Assert.Equal(0, _metrics.Value($"leader_election_renew_errors_total{{name=\"operator-{follower.Id}\"}}"));

        await cts.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RunAsync_LeaderCannotRenew_StopsLeadingBeforeAnotherTakesOver()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var partitioned = new FaultyLeaseLock(_lock);
        var a = new Candidate("a", partitioned, Fast(), _metrics);
        var runA = a.Start(cts.Token);
        await Wait.UntilAsync(() => a.Elector.IsLeader, "a to lead");
        var b = new Candidate("b", _lock, Fast(), _metrics);
        var runB = b.Start(cts.Token);
        await Wait.UntilAsync(() => b.NewLeaders.Contains("a"), "b to observe a");

        partitioned.Broken = true;

        await runA.WaitAsync(TimeSpan.FromSeconds(30)); // RunAsync returns once leadership is lost
        await Wait.UntilAsync(() => b.Elector.IsLeader, "b to take over");
        Assert.Equal(1, a.Stopped);
        Assert.True(a.LeadingCancelledAt < b.StartedAt, "b started acting before a stopped");
        Assert.Equal("b", _lock.Record!.HolderIdentity);
        Assert.Equal(1, _lock.Record.LeaderTransitions);
        Assert.Equal(0, _metrics.Value("leader_election_master_status{name=\"operator-a\"}"));
        Assert.True(_metrics.Value("leader_election_renew_errors_total{name=\"operator-a\"}") >= 1, "a's failed renewals were not counted");

        await cts.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RunAsync_LeaderCancelledWithReleaseOnCancel_OtherTakesOverWithoutWaitingForExpiry()
    {
        // A 120 s lease: without the release, b could not lead within this test's 30 s wait.
        var options = new Func<LeaderElectionOptions>(() => new LeaderElectionOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(120),
            RenewDeadline = TimeSpan.FromSeconds(60),
            RetryPeriod = TimeSpan.FromMilliseconds(20),
        });
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var a = new Candidate("a", _lock, options(), _metrics);
        var runA = a.Start(stopA.Token);
        await Wait.UntilAsync(() => a.Elector.IsLeader, "a to lead");
        var b = new Candidate("b", _lock, options(), _metrics);
        var runB = b.Start(stopB.Token);
        await Wait.UntilAsync(() => b.NewLeaders.Contains("a"), "b to observe a");

        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(30));

        await Wait.UntilAsync(() => b.Elector.IsLeader, "b to take over after the release");
        Assert.Equal(1, a.Stopped);
        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("", _lock.Record!.HolderIdentity);
        Assert.Equal(TimeSpan.FromSeconds(1), _lock.Record.LeaseDuration);
    }

    [Fact]
    public async Task RunAsync_LeaderReleases_CandidateTakesOverAtTheChangeNotAtItsNextRetry()
    {
        // A 40 s retry period: polling alone would leave b waiting far beyond this test's wait for the takeover.
        var options = new Func<LeaderElectionOptions>(() => new LeaderElectionOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(120),
            RenewDeadline = TimeSpan.FromSeconds(60),
            RetryPeriod = TimeSpan.FromSeconds(40),
        });
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var a = new Candidate("a", _lock, options(), _metrics);
        var runA = a.Start(stopA.Token);
        await Wait.UntilAsync(() => a.Elector.IsLeader, "a to lead");
        var b = new Candidate("b", _lock, options(), _metrics);
        var runB = b.Start(stopB.Token);
        await Wait.UntilAsync(() => b.NewLeaders.Contains("a"), "b to observe a");

        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(30));

        await Wait.UntilAsync(() => b.Elector.IsLeader, "b to take over when the release is written");
        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RunAsync_OnStartedLeadingReturns_StopsLeadingAndReleases()
    {
        var stopped = false;
        var elector = new LeaderElector(_lock, Named("a", Fast()), new LeaderCallbacks
        {
            OnStartedLeading = _ => Task.CompletedTask,
            OnStoppedLeading = () => stopped = true,
        });

        await elector.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(stopped);
        Assert.False(elector.IsLeader);
        Assert.Equal("", _lock.Record!.HolderIdentity);
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeAcquiring_NeverCallsCallbacks()
    {
        await _lock.CreateAsync(new LeaderElectionRecord { HolderIdentity = "other", LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var started = false;
        var stopped = false;
        var elector = new LeaderElector(_lock, Named("a", Fast()), new LeaderCallbacks
        {
            OnStartedLeading = _ =>
            {
                started = true;
                return Task.CompletedTask;
            },
            OnStoppedLeading = () => stopped = true,
        });

        await elector.RunAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(started);
        Assert.False(stopped);
        Assert.Equal("other", elector.ObservedLeader);
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_HeldByOther_WaitsLeaseDurationFromOwnObservation()
    {
        var time = new FakeTimeProvider();
        // The holder's renewTime is an hour old by our clock: skew must not matter, only what we observe.
        await _lock.CreateAsync(
            new LeaderElectionRecord { HolderIdentity = "other", LeaseDuration = TimeSpan.FromSeconds(4), RenewTime = time.GetUtcNow().AddHours(-1), LeaderTransitions = 3 },
            CancellationToken.None);
        var elector = new LeaderElector(_lock, Named("me", new LeaderElectionOptions { TimeProvider = time }), NoOp);

        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.Equal("me", _lock.Record!.HolderIdentity);
        Assert.Equal(4, _lock.Record.LeaderTransitions);
        Assert.Equal(time.GetUtcNow(), _lock.Record.AcquireTime);
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_HolderRenewsMeanwhile_ClockRestarts()
    {
        var time = new FakeTimeProvider();
        var snapshot = await _lock.CreateAsync(new LeaderElectionRecord { HolderIdentity = "other", LeaseDuration = TimeSpan.FromSeconds(4) }, CancellationToken.None);
        var elector = new LeaderElector(_lock, Named("me", new LeaderElectionOptions { TimeProvider = time }), NoOp);
        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(3));
        await _lock.UpdateAsync(snapshot.Record with { RenewTime = time.GetUtcNow() }, snapshot.ResourceVersion, CancellationToken.None);
        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_Released_AcquiresAtOnce()
    {
        await _lock.CreateAsync(new LeaderElectionRecord { HolderIdentity = "", LeaseDuration = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        var elector = new LeaderElector(_lock, Named("me", new LeaderElectionOptions { TimeProvider = new FakeTimeProvider() }), NoOp);

        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("me", _lock.Record!.HolderIdentity);
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_Renewal_KeepsAcquireTimeAndTransitions()
    {
        var time = new FakeTimeProvider();
        var elector = new LeaderElector(_lock, Named("me", new LeaderElectionOptions { TimeProvider = time }), NoOp);
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
        var acquired = _lock.Record!.AcquireTime;

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.Equal(acquired, _lock.Record!.AcquireTime);
        Assert.Equal(time.GetUtcNow(), _lock.Record.RenewTime);
        Assert.Equal(0, _lock.Record.LeaderTransitions);
    }

    [Fact]
    public async Task TryAcquireOrRenewAsync_ConcurrentWriterWins_ReturnsFalse()
    {
        var racing = new FaultyLeaseLock(_lock) { ConflictOnWrite = true };
        var elector = new LeaderElector(racing, Named("me", new LeaderElectionOptions { TimeProvider = new FakeTimeProvider() }), NoOp);

        Assert.False(await elector.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(3000, 3000, 800, "leaseDuration (3s) must be greater than renewDeadline (3s)")]
    [InlineData(4000, 900, 800, "renewDeadline (0.9s) must be greater than retryPeriod x 1.2 (0.96s)")]
    [InlineData(4000, 3000, 0, "retryPeriod (0s) must be greater than zero")]
    [InlineData(-1, 3000, 800, "leaseDuration (-0.001s) must be greater than zero")]
    public void Constructor_InvalidTimings_ThrowsNamingTheRule(int leaseMs, int renewMs, int retryMs, string message)
    {
        var options = Named("a", new LeaderElectionOptions
        {
            LeaseDuration = TimeSpan.FromMilliseconds(leaseMs),
            RenewDeadline = TimeSpan.FromMilliseconds(renewMs),
            RetryPeriod = TimeSpan.FromMilliseconds(retryMs),
        });

        var ex = Assert.Throws<ArgumentException>(() => new LeaderElector(_lock, options, NoOp));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MissingIdentity_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LeaderElector(_lock, new LeaderElectionOptions { Name = "x" }, NoOp));
        Assert.Contains("identity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetValidationErrors_Defaults_AreValidAndFollowTheJitterRule()
    {
        var options = new LeaderElectionOptions { Name = "x", Identity = "y" };

        Assert.Empty(options.GetValidationErrors());
        Assert.True(options.LeaseDuration > options.RenewDeadline);
        Assert.True(options.RenewDeadline > options.RetryPeriod * LeaderElectionOptions.JitterFactor);
    }

    private static readonly LeaderCallbacks NoOp = new() { OnStartedLeading = _ => Task.CompletedTask };

    private static LeaderElectionOptions Fast() => new()
    {
        // Millisecond retries; lease and deadline generous enough that a loaded CI machine does not lose leases.
        LeaseDuration = TimeSpan.FromSeconds(3),
        RenewDeadline = TimeSpan.FromSeconds(2),
        RetryPeriod = TimeSpan.FromMilliseconds(50),
    };

    private LeaderElectionOptions Named(string identity, LeaderElectionOptions options)
    {
        options.Name = $"operator-{identity}";
        options.Identity = identity;
        options.Metrics = _metrics.Metrics;
        return options;
    }

    /// <summary>One replica: counts its callbacks and remembers when it started and stopped acting.</summary>
    private sealed class Candidate
    {
        private static readonly Stopwatch Clock = Stopwatch.StartNew();
        private readonly List<string> _newLeaders = [];

        public Candidate(string id, ILeaseLock leaseLock, LeaderElectionOptions options, TestMetrics metrics)
        {
            Id = id;
            options.Name = $"operator-{id}";
            options.Identity = id;
            options.Metrics = metrics.Metrics;
            Elector = new LeaderElector(leaseLock, options, new LeaderCallbacks
            {
                OnStartedLeading = async ct =>
                {
                    StartedAt = Clock.Elapsed;
                    Interlocked.Increment(ref _started);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        LeadingCancelledAt = Clock.Elapsed;
                    }
                },
                OnStoppedLeading = () => Interlocked.Increment(ref _stopped),
                OnNewLeader = leader =>
                {
                    lock (_newLeaders)
                    {
                        _newLeaders.Add(leader);
                    }
                },
            });
        }

        private int _started;
        private int _stopped;

        public string Id { get; }

        public LeaderElector Elector { get; }

        public int Started => Volatile.Read(ref _started);

        public int Stopped => Volatile.Read(ref _stopped);

        public TimeSpan StartedAt { get; private set; } = TimeSpan.MaxValue;

        public TimeSpan LeadingCancelledAt { get; private set; } = TimeSpan.MaxValue;

        public IReadOnlyList<string> NewLeaders
        {
            get
            {
                lock (_newLeaders)
                {
                    return [.. _newLeaders];
                }
            }
        }

        public Task Start(CancellationToken ct) => Task.Run(() => Elector.RunAsync(ct), CancellationToken.None);
    }

    /// <summary>A view of a shared lock that can be cut off (a partitioned replica) or lose every write race.</summary>
    private sealed class FaultyLeaseLock(ILeaseLock inner) : ILeaseLock
    {
        public volatile bool Broken;

        public bool ConflictOnWrite { get; init; }

        public string Description => inner.Description;

        public Task<LeaseSnapshot?> GetAsync(CancellationToken cancellationToken) =>
            Broken ? throw new HttpRequestException("partitioned") : inner.GetAsync(cancellationToken);

        public Task<LeaseSnapshot> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken) =>
            Broken ? throw new HttpRequestException("partitioned")
            : ConflictOnWrite ? throw new LeaseConflictException("lost the race")
            : inner.CreateAsync(record, cancellationToken);

        public Task<LeaseSnapshot> UpdateAsync(LeaderElectionRecord record, string resourceVersion, CancellationToken cancellationToken) =>
            Broken ? throw new HttpRequestException("partitioned")
            : ConflictOnWrite ? throw new LeaseConflictException("lost the race")
            : inner.UpdateAsync(record, resourceVersion, cancellationToken);
    }
}
