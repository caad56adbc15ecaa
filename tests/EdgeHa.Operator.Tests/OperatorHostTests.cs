using EdgeHa.Api;
using EdgeHa.Operator.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>The operator host in-process: endpoints, metrics, and two replicas with leader election.</summary>
public sealed class OperatorHostTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private TestCluster _cluster = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(Ct, LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Information)));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Assert.Empty(_cluster.Acting.Overlaps());
        _timeout.Dispose();
    }

    private static bool ActiveOn(RedundantPair p, string node) =>
        p.Status is { ActiveNode: var a, Phase: PairPhase.Active, LastTransition.SwitchMilliseconds: not null } && a == node;

    [Fact]
    public async Task StartAsync_ServesHealthReadinessAndPrometheusMetrics()
    {
        var host = await _cluster.StartOperatorAsync(Ct);
        await _cluster.CreatePairAsync(_cluster.NewPair(), Ct);
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-a"), Settle, "placement", Ct);
        _cluster.Nodes["node-a"].Health = HealthMode.Failing;
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-b"), Settle, "failover", Ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(host.HealthUrls[0], "/healthz"), Ct));
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(host.HealthUrls[0], "/readyz"), Ct));
        var metrics = await http.GetStringAsync(new Uri(host.MetricsUrls[0], "/metrics"), Ct);

        foreach (var family in new[]
        {
            "controller_runtime_reconcile_total", "controller_runtime_reconcile_time_seconds", "workqueue_adds_total", "rest_client_requests_total",
            "redundantpair_failovers_total", "redundantpair_failover_duration_seconds", "redundantpair_active_info", "redundantpair_degraded",
            "redundantpair_probe_total", "redundantpair_probe_duration_seconds",
        })
        {
            Assert.Contains("# TYPE " + family, metrics, StringComparison.Ordinal);
        }

        Assert.Contains("redundantpair_active_info{name=\"line1\",namespace=\"default\",node=\"node-b\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("redundantpair_failovers_total{name=\"line1\",namespace=\"default\",reason=\"ProbeFailed\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("result=\"failure\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_TwoReplicasWithLeaderElection_OneLeadsAndTheOtherCompletesAFailoverAfterTakeover()
    {
        var first = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-1");
        var second = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-2");
        await TestCluster.WaitUntilAsync(() => first.IsLeader || second.IsLeader, Settle, "a leader", Ct);
        await Task.Delay(300, Ct);
        Assert.False(first.IsLeader && second.IsLeader, "two leaders at once");
        var (leader, standby) = first.IsLeader ? (first, second) : (second, first);
        await _cluster.CreatePairAsync(_cluster.NewPair(), Ct);
        var placed = await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-a"), Settle, "placement", Ct);

        await leader.StopAsync(); // releases the leader lease
        var stoppedAt = DateTime.UtcNow;
        await TestCluster.WaitUntilAsync(() => standby.IsLeader, Settle, "the takeover", Ct);
        output.WriteLine($"MEASURED leader takeover after a clean stop: {(DateTime.UtcNow - stoppedAt).TotalMilliseconds:0} ms");

        _cluster.Nodes["node-a"].Health = HealthMode.Failing;
        var after = await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-b") && p.Status!.Epoch > placed.Status!.Epoch, Settle, "failover by the new leader", Ct);
        Assert.Equal("ProbeFailed", after.Status!.LastTransition!.Reason);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the standby acting", Ct);
    }
    [Fact]
    public async Task LeaderChangeMidStabilization_FailsBackWhenTheWindowThePrimaryStartedEnds_NotAWindowAfterTheNewLeader()
    {
        var stabilization = TimeSpan.FromSeconds(6);
        var first = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-1");
        await TestCluster.WaitUntilAsync(() => first.IsLeader, Settle, "a leader", Ct);
        var second = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-2");
        await _cluster.CreatePairAsync(_cluster.NewPair(configure: s => s.Failover!.FailbackStabilizationSeconds = (int)stabilization.TotalSeconds), Ct);
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-a"), Settle, "placement", Ct);
        _cluster.Nodes["node-a"].Health = HealthMode.Failing;
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-b"), Settle, "failover", Ct);

        _cluster.Nodes["node-a"].Health = HealthMode.Healthy;
        var healthy = await _cluster.WaitForPairAsync("line1", p => p.Status!.Memory?.PrimaryEligibleSince is not null, Settle, "the primary eligible", Ct);
        var eligibleSince = healthy.Status!.Memory!.PrimaryEligibleSince!.Value;
        await Task.Delay(stabilization * 2 / 3, Ct);
        await first.StopAsync(); // a leader change two thirds into the window
        await TestCluster.WaitUntilAsync(() => second.IsLeader, Settle, "the takeover", Ct);

        var back = await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-a") && p.Status!.LastTransition!.Reason == "Failback", Settle * 2, "fail-back", Ct);
        var after = back.Status!.LastTransition!.Time!.Value - eligibleSince;
        output.WriteLine($"MEASURED fail-back {after.TotalMilliseconds:0} ms after the primary became eligible (window {stabilization.TotalSeconds} s, leader change at {stabilization.TotalSeconds * 2 / 3} s)");
        Assert.True(after >= stabilization, $"failed back early: {after.TotalMilliseconds:0} ms into a {stabilization.TotalSeconds} s window");
        // A new leader starting the window afresh would fail back no sooner than 4 s + 6 s after the primary was eligible.
        Assert.True(after < stabilization + stabilization * 2 / 3, $"failed back late: {after.TotalMilliseconds:0} ms; the new leader restarted the window");
    }
    [Fact]
    public async Task LeaderChangeMidFailover_TheNewLeaderFinishesThatFailoverOnce()
    {
        var first = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-1");
        await TestCluster.WaitUntilAsync(() => first.IsLeader, Settle, "a leader", Ct);
        var second = await _cluster.StartOperatorAsync(Ct, leaderElect: true, identity: "operator-2");
        // A 3 s fencing wait: long enough to change the leader inside it.
        await _cluster.CreatePairAsync(_cluster.NewPair(configure: s =>
            s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 3000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 300 }), Ct);
        var placed = await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-a"), Settle, "placement", Ct);

        // The active node is cut off: the leader decides the failover, then must wait the lease out before it grants.
        var node = _cluster.Nodes["node-a"];
        node.Handler.Cut = true;
        node.Health = HealthMode.Silent;
        var decided = await _cluster.WaitForPairAsync("line1", p => p.Status is { Phase: PairPhase.FailingOver, ActiveNode: "node-b" }, Settle, "the failover decided", Ct);
        Assert.Null(_cluster.ActingPodOn("node-b")); // still inside the fencing wait
        await first.StopAsync();
        await TestCluster.WaitUntilAsync(() => second.IsLeader, Settle, "the takeover", Ct);

        var done = await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-b"), Settle * 2, "the failover finished by the new leader", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the standby acting", Ct);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // room for a second, wrong, decision to show

        var now = await _cluster.GetPairAsync("line1", Ct);
        Assert.Equal((placed.Status!.Epoch + 1, placed.Status.FailoverCount + 1), (decided.Status!.Epoch, decided.Status.FailoverCount));
        Assert.Equal(("node-b", decided.Status.Epoch, decided.Status.FailoverCount), (now.Status!.ActiveNode, now.Status.Epoch, now.Status.FailoverCount));
        // The transition the new leader completed is the one the old leader decided, not a decision of its own.
        Assert.Equal((decided.Status.LastTransition?.Reason, decided.Status.LastTransition?.Time), (done.Status!.LastTransition!.Reason, done.Status.LastTransition.Time));
        Assert.Single(_cluster.Acting.Snapshot(), i => i.Node == "node-b"); // granted once, acting since
    }
}
