using EdgeHa.Api;
using EdgeHa.Controller;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;
using EdgeHa.Operator.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>
/// The operator against the sandbox API server: what status and Events say of what the collector side reports: a
/// collector that crash-loops, as kubelet reports it (the collector is the pod's container) and as edgeha-agent reports
/// it on the Lease (it wraps the collector), and a promotion that could not replay every sample.
/// </summary>
public sealed class RedundantPairReconcilerCollectorReportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));
    private TestCluster _cluster = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(Ct, LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Information)).SetMinimumLevel(LogLevel.Information)));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Assert.Empty(_cluster.Acting.Overlaps());
        _timeout.Dispose();
    }

    private async Task PlaceAsync()
    {
        // Roomy pair-lease terms: under a loaded suite a starved stand-in's renewals must not go stale first.
        var pair = _cluster.NewPair(configure: s => s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 3000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 300 });
        await _cluster.StartOperatorAsync(Ct);
        await _cluster.CreatePairAsync(pair, Ct);
        await _cluster.WaitForPairAsync("line1", p => p.Status is { ActiveNode: "node-a", Phase: PairPhase.Active, LastTransition.SwitchMilliseconds: not null }, Settle, "first placement", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-a") is not null, Settle, "the primary collector acting", Ct);
    }

    private static Api.NodeStatus Node(RedundantPair pair, string name) => pair.Status!.Nodes!.Single(n => n.Name == name);

    [Fact]
    public async Task Reconcile_StandbyContainerCrashLoops_NodeShowsRestartsAndReasonAndThePairIsDegradedNamingIt()
    {
        await PlaceAsync();

        // Kubelet's view of a collector that keeps exiting: nothing answers the probe, the container waits in back-off.
        _cluster.Nodes["node-b"].Health = HealthMode.Silent;
        await _cluster.Kubelet.CrashLoopAsync("node-b", restarts: 7, exitCode: 1, Ct);

        var degraded = await _cluster.WaitForPairAsync("line1",
            p => Conditions.Find(p.Status?.Conditions, ConditionTypes.Degraded) is { Status: "True", Reason: SideCrashLoop.StandbyCrashLooping },
            Settle, "Degraded with reason StandbyCrashLooping", Ct);

        var standby = Node(degraded, "node-b");
        Assert.Equal(7, standby.RestartCount);
        Assert.Equal("CrashLoopBackOff", standby.Reason);
        Assert.False(standby.Healthy);
        Assert.StartsWith("CrashLoopBackOff: container collector exited with code 1, restarted 7 times; back-off 40s restarting failed container=collector", standby.Message, StringComparison.Ordinal);
        var condition = Conditions.Find(degraded.Status!.Conditions, ConditionTypes.Degraded)!;
        Assert.StartsWith("standby node-b is crash-looping: container collector exited with code 1", condition.Message, StringComparison.Ordinal);
        var active = Node(degraded, "node-a");
        Assert.Equal(0, active.RestartCount);
        Assert.Null(active.Reason);

        // Status only: the active keeps acting, nothing switches.
        Assert.Equal("node-a", degraded.Status.ActiveNode);
        Assert.Equal(1, degraded.Status.Epoch);
        Assert.NotNull(_cluster.ActingPodOn("node-a"));
        await TestCluster.WaitUntilAsync(() => EventsAbout("line1").Result.Any(e => e.Reason == "CollectorCrashLooping" && e.Type == "Warning" && e.Note!.Contains("node-b", StringComparison.Ordinal)),
            Settle, "a CollectorCrashLooping Event naming node-b", Ct);
    }

    [Fact]
    public async Task Reconcile_ActiveContainerCrashLoops_FailsOverAndTheFormerActiveIsTheCrashLoopingStandby()
    {
        await PlaceAsync();

        _cluster.Nodes["node-a"].Health = HealthMode.Silent;
        await _cluster.Kubelet.CrashLoopAsync("node-a", restarts: 3, exitCode: 2, Ct);

        // A failed active like any other (its pod is not Ready): the engine fails over; status then names the new standby.
        var after = await _cluster.WaitForPairAsync("line1",
            p => p.Status is { ActiveNode: "node-b", LastTransition.SwitchMilliseconds: not null }
                && Conditions.Find(p.Status.Conditions, ConditionTypes.Degraded) is { Status: "True", Reason: SideCrashLoop.StandbyCrashLooping },
            Settle, "failover to node-b with node-a reported as the crash-looping standby", Ct);

        Assert.Equal("PodNotReady", after.Status!.LastTransition!.Reason);
        Assert.StartsWith("standby node-a is crash-looping: container collector exited with code 2, restarted 3 times", Conditions.Find(after.Status.Conditions, ConditionTypes.Degraded)!.Message, StringComparison.Ordinal);
        Assert.Equal(3, Node(after, "node-a").RestartCount);
        Assert.Equal("CrashLoopBackOff", Node(after, "node-a").Reason);
    }

    [Fact]
    public async Task Reconcile_AgentReportsItsCollectorInBackOff_ActiveNodeShowsRestartsAndReason()
    {
        await PlaceAsync();
        var holder = _cluster.Kubelet.Collectors[_cluster.ActingPodOn("node-a")!].Holder;

        // What edgeha-agent writes with its renewals while the collector it wraps waits to be restarted; kubelet sees a Running, Ready pod.
        holder.ReportOnRenewal = a =>
        {
            a[FencingAnnotations.CollectorRestarts] = "3";
            a[FencingAnnotations.CollectorBackOff] = "back-off 8s restarting the collector (exit code 3, 4 crashes in a row)";
        };
        var looping = await _cluster.WaitForPairAsync("line1", p => Node(p, "node-a").Reason == "CrashLoopBackOff", Settle, "node-a CrashLoopBackOff", Ct);

        var active = Node(looping, "node-a");
        Assert.Equal(3, active.RestartCount);
        Assert.Equal("CrashLoopBackOff: edgeha-agent restarted the collector 3 times; back-off 8s restarting the collector (exit code 3, 4 crashes in a row)", active.Message);

        // Running again: the report stays, the reason goes.
        holder.ReportOnRenewal = a =>
        {
            a[FencingAnnotations.CollectorRestarts] = "4";
            a.Remove(FencingAnnotations.CollectorBackOff);
        };
        var running = await _cluster.WaitForPairAsync("line1", p => Node(p, "node-a") is { Reason: null, RestartCount: 4 }, Settle, "node-a running again after 4 restarts", Ct);
        Assert.Equal("ok", Node(running, "node-a").Message);
    }

    [Fact]
    public async Task Reconcile_NewActiveReportsAPromotionGap_LastTransitionCountsTheLostSequencesWithOneWarning()
    {
        await PlaceAsync();
        var holder = _cluster.Kubelet.Collectors[_cluster.ActingPodOn("node-a")!].Holder;

        // What the reference collector writes with its renewals when its buffer had a hole after the previous
        // holder's last sequence; a report naming another holding (epoch 9) is not this transition's.
        holder.ReportOnRenewal = a => a[FencingAnnotations.PromotionGap] = new PromotionGap(9, 40, 49, OlderThanBuffer: true).Format();
        await TestCluster.WaitUntilAsync(() => _cluster.Admin.GetAsync<Lease>(PairLabels.LeaseName("line1"), TestCluster.Namespace, Ct).Result.Metadata.Annotations!.ContainsKey(FencingAnnotations.PromotionGap),
            Settle, "the stale report on the Lease", Ct);
        holder.ReportOnRenewal = a => a[FencingAnnotations.PromotionGap] = new PromotionGap(1, 225, 226, OlderThanBuffer: false).Format();

        var reported = await _cluster.WaitForPairAsync("line1", p => p.Status?.LastTransition?.UnreplayedSequences is not null, Settle, "lastTransition.unreplayedSequences", Ct);

        Assert.Equal(2, reported.Status!.LastTransition!.UnreplayedSequences);
        await TestCluster.WaitUntilAsync(() => EventsAbout("line1").Result.Any(e => e.Reason == "PromotionGap"), Settle, "a PromotionGap Event", Ct);
        var warning = Assert.Single(await EventsAbout("line1"), e => e.Reason == "PromotionGap");
        Assert.Equal("Warning", warning.Type);
        Assert.Equal("node-a at epoch 1 had no sample for sequences 225-226 after the last one the previous active recorded (never read by the collector's polls): 2 not replayed, lost unless the previous active delivered them after its record", warning.Note);
    }

    private async Task<List<Event>> EventsAbout(string name) =>
        (await _cluster.Admin.ListAsync<Event>(TestCluster.Namespace, cancellationToken: Ct)).Items.Where(e => e.Regarding?.Name == name).ToList();
}
