using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeHa.Api;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Tests.Support;
using EdgeHa.TestSupport;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>
/// The real operator program as two replicas in their own processes against the sandbox, stopped with a real SIGTERM
/// as kubelet stops a pod: the leader lets go of its Lease so the other replica leads at once, and a rolling restart
/// of both replicas switches no pair.
/// </summary>
public sealed class OperatorShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string LeaderLease = "edgeha-operator-leader";

    // Longer than any wait below: a replica that leads before it has passed was handed the Lease, not left to wait it out.
    private static readonly TimeSpan LeaderLeaseDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private readonly List<ProgramProcess> _replicas = [];
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"edgeha-operator-shutdown-{Guid.NewGuid():N}.kubeconfig");
    private TestCluster _cluster = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(Ct);
        _cluster.Server.WriteKubeconfig(_kubeconfig);
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            output.WriteLine($"--- replica {replica.Id} output:\n{replica.Output}");
            replica.Dispose();
        }

        await _cluster.DisposeAsync();
        File.Delete(_kubeconfig);
        _timeout.Dispose();
    }

    [Fact]
    public async Task Sigterm_TheLeaderReleasesItsLeaseAndExitsZero_AndTheOtherReplicaLeadsWithoutWaitingOutTheLease()
    {
        var first = StartReplica("operator-1");
        await WaitForLeaderAsync("operator-1");
        var second = StartReplica("operator-2");
        Assert.True(await second.WaitForOutputAsync("the leader is operator-1", Settle), "the second replica never saw the leader");

        var signalled = Stopwatch.GetTimestamp();
        first.Signal(PosixSignal.SIGTERM);
        Assert.True(await first.WaitForExitAsync(Settle), "the leader was still running 15 s after SIGTERM");
        var exited = Stopwatch.GetElapsedTime(signalled);
        await WaitForLeaderAsync("operator-2");
        var handedOver = Stopwatch.GetElapsedTime(signalled);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("operator-1 released lease", first.Output, StringComparison.Ordinal);
        Assert.True(handedOver < LeaderLeaseDuration, $"the other replica led after {handedOver.TotalSeconds:0.0} s: it waited out the Lease");
        output.WriteLine($"MEASURED SIGTERM -> leader exited: {exited.TotalMilliseconds:0} ms; SIGTERM -> other replica leading: {handedOver.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task RollingRestartOfBothReplicas_SwitchesNoPairAndStopsNoCollector()
    {
        var first = StartReplica("operator-1");
        await WaitForLeaderAsync("operator-1");
        var second = StartReplica("operator-2");
        // Roomy lease terms: starting a replica (a .NET process start on a 2-core machine) must not starve the
        // collector stand-ins' renewals, or a lapse under load would read as the restart stopping a collector.
        await _cluster.CreatePairAsync(_cluster.NewPair(configure: s => s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 4000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 500 }), Ct);
        var placed = await _cluster.WaitForPairAsync("line1", p => p.Status is { Phase: PairPhase.Active, ActiveNode: TestCluster.NodeA }, Settle, "placement", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn(TestCluster.NodeA) is not null, Settle, "the primary acting", Ct);
        var acting = _cluster.ActingPodOn(TestCluster.NodeA)!;

        // Kubernetes' rolling update of the operator Deployment: one replica stopped, its replacement started, and so on.
        first.Signal(PosixSignal.SIGTERM);
        Assert.True(await first.WaitForExitAsync(Settle), "operator-1 did not exit after SIGTERM");
        await WaitForLeaderAsync("operator-2");
        var third = StartReplica("operator-3");
        Assert.True(await third.WaitForOutputAsync("the leader is operator-2", Settle), "operator-3 never saw the leader");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // operator-2 reconciles the pair as leader
        second.Signal(PosixSignal.SIGTERM);
        Assert.True(await second.WaitForExitAsync(Settle), "operator-2 did not exit after SIGTERM");
        await WaitForLeaderAsync("operator-3");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // operator-3 reconciles and probes the pair as leader

        var after = await _cluster.GetPairAsync("line1", Ct);
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Equal(PairPhase.Active, after.Status!.Phase);
        Assert.Equal(TestCluster.NodeA, after.Status.ActiveNode);
        Assert.Equal(placed.Status!.Epoch, after.Status.Epoch);
        var intervals = _cluster.Acting.Snapshot();
        Assert.Equal([(acting, (long?)null)], intervals.Select(i => (i.Pod, i.End)).ToList());
        Assert.Empty(_cluster.Acting.Overlaps());
    }

    private ProgramProcess StartReplica(string identity)
    {
        var replica = ProgramProcess.Start(
            "EdgeHa.Operator.dll",
            [
                "--kubeconfig", _kubeconfig, "--namespace", TestCluster.Namespace,
                "--leader-elect", "--leader-election-namespace", TestCluster.Namespace,
                "--leader-elect-lease-duration", $"{LeaderLeaseDuration.TotalSeconds}s", "--leader-elect-renew-deadline", "20s", "--leader-elect-retry-period", "200ms",
                "--health-probe-bind-address", "127.0.0.1:0", "--metrics-bind-address", "0",
            ],
            new Dictionary<string, string> { ["POD_NAME"] = identity });
        _replicas.Add(replica);
        return replica;
    }

    private async Task WaitForLeaderAsync(string identity)
    {
        var deadline = DateTime.UtcNow + Settle;
        string? holder = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                holder = (await _cluster.Admin.GetAsync<Lease>(LeaderLease, TestCluster.Namespace, Ct)).Spec?.HolderIdentity;
                if (holder == identity)
                {
                    return;
                }
            }
            catch (NotFoundException)
            {
                // Not created yet.
            }

            await Task.Delay(20, Ct);
        }

        Assert.Fail($"{identity} did not lead within {Settle.TotalSeconds} s; the leader Lease is held by '{holder}'");
    }
}
