using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;
using EdgeHa.Operator.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>The operator in-process against the sandbox API server over HTTP, with collector stand-ins holding real leases.</summary>
public sealed class RedundantPairReconcilerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private TestCluster _cluster = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(Ct, LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Debug)).SetMinimumLevel(LogLevel.Debug).AddFilter("EdgeHa.Kube", LogLevel.Information).AddFilter("EdgeHa.Controller", LogLevel.Information).AddFilter("EdgeHa.Fencing", LogLevel.Information).AddFilter("EdgeHa.Operator.Informer", LogLevel.Information)));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Assert.Empty(_cluster.Acting.Overlaps());
        _timeout.Dispose();
    }

    private static bool ActiveOn(RedundantPair p, string node) =>
        p.Status is { ActiveNode: var a, Phase: PairPhase.Active, LastTransition.SwitchMilliseconds: not null } && a == node;

    private async Task<RedundantPair> PlaceAsync(RedundantPair pair)
    {
        await _cluster.StartOperatorAsync(Ct);
        await _cluster.CreatePairAsync(pair, Ct);
        var placed = await _cluster.WaitForPairAsync(pair.Metadata.Name!, p => ActiveOn(p, pair.Spec.PrimaryNode), Settle, "first placement", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn(pair.Spec.PrimaryNode) is not null, Settle, "the primary collector acting", Ct);
        return placed;
    }

    [Fact]
    public async Task Reconcile_NewPair_PlacesActiveOnPrimaryWithDeploymentsServiceLeaseAndStatus()
    {
        var placed = await PlaceAsync(_cluster.NewPair());

        Assert.Equal(1, placed.Status!.Epoch);
        Assert.Contains(PairLabels.Finalizer, placed.Metadata.Finalizers!);
        Assert.True(Controller.Conditions.IsTrue(placed.Status.Conditions, ConditionTypes.Ready));
        Assert.True(Controller.Conditions.IsTrue(placed.Status.Conditions, ConditionTypes.SpecValid));
        Assert.True(Controller.Conditions.IsFalse(placed.Status.Conditions, ConditionTypes.FailoverInProgress));
        Assert.True(placed.Status.PredictedFailoverMilliseconds > 0);

        var deployment = await _cluster.Admin.GetAsync<Deployment>("line1-node-a", TestCluster.Namespace, Ct);
        Assert.Equal("node-a", deployment.Spec!.Template!.Spec!.NodeSelector!["kubernetes.io/hostname"]);
        Assert.Equal("line1", deployment.Metadata.Labels![PairLabels.Pair]);
        Assert.Equal("node-a", deployment.Metadata.Labels[PairLabels.Node]);
        Assert.Equal("line1", deployment.Metadata.OwnerReferences!.Single().Name);
        Assert.Contains(deployment.Spec.Template.Spec.Tolerations!, t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute" && t.TolerationSeconds is null);
        var env = deployment.Spec.Template.Spec.Containers[0].Env!.Select(e => e.Name).ToList();
        Assert.Subset(env.ToHashSet(), new HashSet<string> { "EDGEHA_LEASE_NAMESPACE", "EDGEHA_LEASE_NAME", "EDGEHA_PAIR", "POD_NAME", "POD_NAMESPACE", "POD_IP", "NODE_NAME" });
        Assert.Equal(1, (await _cluster.Admin.GetAsync<Deployment>("line1-node-b", TestCluster.Namespace, Ct)).Spec!.Replicas);

        var lease = await _cluster.Admin.GetAsync<Lease>("line1-active", TestCluster.Namespace, Ct);
        Assert.Equal(_cluster.ActingPodOn("node-a"), lease.Spec!.HolderIdentity);
        Assert.Equal("1", lease.Metadata.Annotations![Fencing.FencingAnnotations.Epoch]);

        var service = await _cluster.Admin.GetAsync<Service>("line1-vip", TestCluster.Namespace, Ct);
        Assert.Equal("active", service.Spec!.Selector![PairLabels.Role]);
        var pods = (await _cluster.Admin.ListAsync<Pod>(TestCluster.Namespace, new ListOptions { LabelSelector = "edgeha.io/role=active" }, Ct)).Items;
        Assert.Equal(lease.Spec.HolderIdentity, Assert.Single(pods).Metadata.Name);
        output.WriteLine($"first placement: switch {placed.Status.LastTransition!.SwitchMilliseconds} ms");
    }

    private async Task<RedundantPair> FailOverAsync(string name, string to, Func<Task> fault, string what)
    {
        var before = await _cluster.GetPairAsync(name, Ct);
        await fault();
        return await _cluster.WaitForPairAsync(name, p => ActiveOn(p, to) && p.Status!.Epoch > before.Status!.Epoch, Settle, what, Ct);
    }

    private void Report(string scenario, RedundantPair pair)
    {
        var t = pair.Status!.LastTransition!;
        output.WriteLine($"MEASURED {scenario}: {t.Reason} {t.From} -> {t.To}: detection {t.DetectionMilliseconds} ms, switch {t.SwitchMilliseconds} ms, predicted worst case {pair.Status.PredictedFailoverMilliseconds} ms");
    }

    [Fact]
    public async Task Reconcile_ActiveProbesFail_FailsOverToStandbyWithinPredictedTime()
    {
        var placed = await PlaceAsync(_cluster.NewPair());
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();

        var after = await FailOverAsync("line1", "node-b", () => { _cluster.Nodes["node-a"].Health = HealthMode.Failing; return Task.CompletedTask; }, "failover to node-b");
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the standby acting", Ct);

        var acting = _cluster.Acting.FirstOn("node-b", t0)!;
        var failoverMs = System.Diagnostics.Stopwatch.GetElapsedTime(t0, acting.Start).TotalMilliseconds;
        output.WriteLine($"MEASURED probe failure -> standby acting: {failoverMs:0} ms");
        Report("probe failure", after);
        Assert.Equal("ProbeFailed", after.Status!.LastTransition!.Reason);
        Assert.Equal("node-a", after.Status.LastTransition.From);
        Assert.Equal(1, after.Status.FailoverCount);
        Assert.Equal(placed.Status!.Epoch + 1, after.Status.Epoch);
        Assert.Equal(after.Status.Epoch, acting.Epoch);
        Assert.True(failoverMs <= after.Status.PredictedFailoverMilliseconds, $"failover took {failoverMs:0} ms, predicted at most {after.Status.PredictedFailoverMilliseconds} ms");
        var pods = (await _cluster.Admin.ListAsync<Pod>(TestCluster.Namespace, new ListOptions { LabelSelector = "edgeha.io/role=active" }, Ct)).Items;
        Assert.Equal("node-b", Assert.Single(pods).Metadata.Labels![PairLabels.Node]);
        Assert.Equal(after.Status.Epoch.ToString(), Assert.Single(pods).Metadata.Labels![PairLabels.Epoch]);
        await WaitForEventsAsync("line1", "FailoverStarted", "FailoverCompleted", "HandoverRequested", "NodeUnhealthy");
    }

    [Fact]
    public async Task Reconcile_ActiveNodeNotReady_FailsOver()
    {
        await PlaceAsync(_cluster.NewPair());

        var after = await FailOverAsync("line1", "node-b", () => _cluster.Nodes["node-a"].SetReadyAsync(false, Ct), "failover on NotReady");

        Report("node not ready", after);
        Assert.Equal("NodeNotReady", after.Status!.LastTransition!.Reason);
        Assert.False(after.Status.Nodes!.Single(n => n.Name == "node-a").Ready);
    }

    [Fact]
    public async Task Reconcile_ActivePartitionedFromApi_StandbyActsOnlyAfterTheLeaseExpired()
    {
        var pair = _cluster.NewPair();
        await PlaceAsync(pair);
        var node = _cluster.Nodes["node-a"];
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();

        // The active node loses the network: its lease holder cannot renew and the operator's probes get no answer.
        var after = await FailOverAsync("line1", "node-b", () =>
        {
            node.Handler.Cut = true;
            node.Health = HealthMode.Silent;
            return Task.CompletedTask;
        }, "failover after partition");
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the standby acting", Ct);

        var old = _cluster.Acting.Snapshot().Last(i => i.Node == "node-a");
        var fresh = _cluster.Acting.FirstOn("node-b", t0)!;
        Assert.NotNull(old.End);
        Assert.True(fresh.Start >= old.End, "the standby acted while the partitioned active still did");
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(t0, fresh.Start).TotalMilliseconds;
        var minimum = pair.Spec.Fencing.LeaseDurationMilliseconds - pair.Spec.Fencing.RenewIntervalMilliseconds;
        output.WriteLine($"MEASURED partition -> standby acting: {waited:0} ms (lease can have been renewed {pair.Spec.Fencing.RenewIntervalMilliseconds} ms before the cut; expiry at least {minimum} ms after it)");
        Report("partition", after);
        Assert.True(waited >= minimum, $"the standby acted {waited:0} ms after the partition, before the old lease could have expired ({minimum} ms)");
    }

    [Fact]
    public async Task Reconcile_ActiveCutFromTheApiOnly_FailsOverOnItsStaleRenewalsWhileItsProbesStillAnswer()
    {
        // The node loses the API server but not the operator: probes stay healthy, only the Lease renewals stop.
        var pair = _cluster.NewPair();
        await PlaceAsync(pair);

        var after = await FailOverAsync("line1", "node-b", () => { _cluster.Nodes["node-a"].Handler.Cut = true; return Task.CompletedTask; }, "failover on stale renewals");

        Report("API cut, probes healthy", after);
        Assert.Equal("LeaseRenewalStale", after.Status!.LastTransition!.Reason);
    }

    [Fact]
    public async Task Reconcile_PrimaryRecoversWithAutomaticFailback_SwitchesBackAfterStabilization()
    {
        await PlaceAsync(_cluster.NewPair());
        await FailOverAsync("line1", "node-b", () => { _cluster.Nodes["node-a"].Health = HealthMode.Failing; return Task.CompletedTask; }, "failover");
        var healedAt = DateTime.UtcNow;

        var back = await FailOverAsync("line1", "node-a", () => { _cluster.Nodes["node-a"].Health = HealthMode.Healthy; return Task.CompletedTask; }, "automatic fail-back");

        Report("automatic fail-back", back);
        Assert.Equal("Failback", back.Status!.LastTransition!.Reason);
        Assert.True(DateTime.UtcNow - healedAt >= TimeSpan.FromSeconds(1), "fail-back came before the stabilization window");
        Assert.Equal(1, back.Status.FailoverCount);
    }

    [Fact]
    public async Task Reconcile_ManualFailback_StaysOnStandbyUntilRequested()
    {
        await PlaceAsync(_cluster.NewPair(configure: s => s.Failover.Failback = FailbackMode.Manual));
        await FailOverAsync("line1", "node-b", () => { _cluster.Nodes["node-a"].Health = HealthMode.Failing; return Task.CompletedTask; }, "failover");
        _cluster.Nodes["node-a"].Health = HealthMode.Healthy;
        await _cluster.WaitForPairAsync("line1", p => p.Status!.Nodes!.Single(n => n.Name == "node-a").Healthy == true, Settle, "node-a healthy again", Ct);

        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // twice the stabilization window
        Assert.Equal("node-b", (await _cluster.GetPairAsync("line1", Ct)).Status!.ActiveNode);

        var back = await FailOverAsync("line1", "node-a",
            () => _cluster.PatchPairAsync("line1", new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RedundantPair.SwitchoverAnnotation] = "node-a" } } }, Ct),
            "switchover on request");
        Report("manual fail-back", back);
        Assert.Equal("SwitchoverRequested", back.Status!.LastTransition!.Reason);
        Assert.Equal("node-a", back.Status.Switchover!.RequestedTo);
        Assert.Equal("Succeeded", back.Status.Switchover.Result);
        var cleared = await _cluster.WaitForPairAsync("line1", p => p.Metadata.Annotations?.ContainsKey(RedundantPair.SwitchoverAnnotation) != true, Settle, "the annotation cleared", Ct);
        Assert.Equal("node-a", cleared.Status!.ActiveNode);
    }

    [Fact]
    public async Task Reconcile_SpecSwitchoverRequest_SwitchesOnceAndAcknowledges()
    {
        await PlaceAsync(_cluster.NewPair(configure: s => s.Failover.Failback = FailbackMode.Manual));

        var after = await FailOverAsync("line1", "node-b",
            () => _cluster.PatchPairAsync("line1", new JsonObject { ["spec"] = new JsonObject { ["failover"] = new JsonObject { ["switchoverTo"] = "node-b" } } }, Ct),
            "switchover to node-b");

        Report("switchover request", after);
        Assert.Equal("SwitchoverRequested", after.Status!.LastTransition!.Reason);
        Assert.Equal(0, after.Status.FailoverCount);
        Assert.Equal("node-b", after.Status.Switchover!.RequestedTo);
        Assert.NotNull(after.Status.Switchover.AcknowledgedAt);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var later = await _cluster.GetPairAsync("line1", Ct);
        Assert.Equal(after.Status.Epoch, later.Status!.Epoch);
    }

    [Fact]
    public async Task Reconcile_SwitchoverToUnhealthyTarget_IsRefusedUnlessForced()
    {
        await PlaceAsync(_cluster.NewPair(configure: s => s.Failover.Failback = FailbackMode.Manual));
        _cluster.Nodes["node-b"].Health = HealthMode.Failing;
        await _cluster.WaitForPairAsync("line1", p => p.Status!.Nodes?.FirstOrDefault(n => n.Name == "node-b")?.Healthy == false, Settle, "node-b unhealthy", Ct);

        await _cluster.PatchPairAsync("line1", new JsonObject { ["spec"] = new JsonObject { ["failover"] = new JsonObject { ["switchoverTo"] = "node-b" } } }, Ct);
        var refused = await _cluster.WaitForPairAsync("line1", p => p.Status!.Switchover?.RequestedTo == "node-b", Settle, "the request acknowledged", Ct);

        Assert.Equal("TargetNotEligible", refused.Status!.Switchover!.Result);
        Assert.Equal("node-a", refused.Status.ActiveNode);

        // The plugin's --force: the force annotation, and the handled note removed so the same request counts again.
        var annotations = new JsonObject { [RedundantPair.SwitchoverForceAnnotation] = "true", [RedundantPair.SwitchoverHandledAnnotation] = null };
        await _cluster.PatchPairAsync("line1", new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations } }, Ct);
        var forced = await _cluster.WaitForPairAsync("line1", p => p.Status!.Switchover?.Result != "TargetNotEligible", Settle, "the forced request acted on", Ct);

        Assert.NotEqual("TargetNotEligible", forced.Status!.Switchover!.Result);
        var cleared = await _cluster.WaitForPairAsync("line1", p => p.Metadata.Annotations?.ContainsKey(RedundantPair.SwitchoverForceAnnotation) != true, Settle, "the force annotation cleared", Ct);
        Assert.Equal("spec/node-b", cleared.Metadata.Annotations![RedundantPair.SwitchoverHandledAnnotation]);
    }

    [Fact]
    public async Task Reconcile_Paused_TakesNoActionWhenTheActiveFails()
    {
        var placed = await PlaceAsync(_cluster.NewPair());
        await _cluster.PatchPairAsync("line1", new JsonObject { ["spec"] = new JsonObject { ["paused"] = true } }, Ct);
        await _cluster.WaitForPairAsync("line1", p => p.Status!.Phase == PairPhase.Paused, Settle, "phase Paused", Ct);

        _cluster.Nodes["node-a"].Health = HealthMode.Failing;
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

        var paused = await _cluster.GetPairAsync("line1", Ct);
        Assert.Equal("node-a", paused.Status!.ActiveNode);
        Assert.Equal(placed.Status!.Epoch, paused.Status.Epoch);
        Assert.True(Controller.Conditions.IsTrue(paused.Status.Conditions, ConditionTypes.ReconciliationPaused));
        var lease = await _cluster.Admin.GetAsync<Lease>("line1-active", TestCluster.Namespace, Ct);
        Assert.Contains("-node-a-", lease.Spec!.HolderIdentity, StringComparison.Ordinal);
        Assert.NotNull(_cluster.ActingPodOn("node-a"));

        var resumed = await FailOverAsync("line1", "node-b", () => _cluster.PatchPairAsync("line1", new JsonObject { ["spec"] = new JsonObject { ["paused"] = false } }, Ct), "failover after resume");
        Assert.Equal("ProbeFailed", resumed.Status!.LastTransition!.Reason);
    }

    [Fact]
    public async Task Reconcile_ActiveNodeCordoned_SwitchesOverGracefully()
    {
        await PlaceAsync(_cluster.NewPair());

        var after = await FailOverAsync("line1", "node-b", () => _cluster.Nodes["node-a"].SetUnschedulableAsync(true, Ct), "switchover on cordon");

        Report("cordon", after);
        Assert.Equal("ActiveNodeCordoned", after.Status!.LastTransition!.Reason);
        Assert.Equal(0, after.Status.FailoverCount);
    }

    [Fact]
    public async Task Reconcile_InvalidSpec_SetsSpecValidFalseAndCreatesNothing()
    {
        await _cluster.StartOperatorAsync(Ct);
        var pair = _cluster.NewPair("bad");
        pair.Spec.Template = JsonNode.Parse("""{"spec":{"nodeName":"node-a","containers":[{"name":"c","image":"i"}]}}""")!.AsObject();
        await _cluster.CreatePairAsync(pair, Ct);

        var invalid = await _cluster.WaitForPairAsync("bad", p => p.Status?.Phase == PairPhase.Invalid, Settle, "phase Invalid", Ct);

        var specValid = Controller.Conditions.Find(invalid.Status!.Conditions, ConditionTypes.SpecValid)!;
        Assert.Equal("False", specValid.Status);
        Assert.Contains("spec.template.spec.nodeName", specValid.Message, StringComparison.Ordinal);
        Assert.Empty((await _cluster.Admin.ListAsync<Deployment>(TestCluster.Namespace, new ListOptions { LabelSelector = "edgeha.io/pair=bad" }, Ct)).Items);
        Assert.Empty((await _cluster.Admin.ListAsync<Lease>(TestCluster.Namespace, new ListOptions { LabelSelector = "edgeha.io/pair=bad" }, Ct)).Items);
        await TestCluster.WaitUntilAsync(() => EventsAbout("bad").Result.Any(e => e.Reason == "InvalidSpec" && e.Type == "Warning"), Settle, "an InvalidSpec Event", Ct);
    }

    private async Task WaitForEventsAsync(string name, params string[] reasons)
    {
        var deadline = DateTime.UtcNow + Settle;
        var have = new HashSet<string>();
        while (DateTime.UtcNow < deadline)
        {
            have = (await EventsAbout(name)).Select(e => e.Reason ?? "").ToHashSet();
            if (reasons.All(have.Contains))
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"Events {string.Join(", ", reasons.Except(have))} missing; have {string.Join(", ", have)}");
    }

    private async Task<List<Event>> EventsAbout(string name) =>
        (await _cluster.Admin.ListAsync<Event>(TestCluster.Namespace, cancellationToken: Ct)).Items.Where(e => e.Regarding?.Name == name).ToList();

    [Fact]
    public async Task Reconcile_ApiFaults_ConvergesAndStillFailsOver()
    {
        var faults = _cluster.Server.Faults;
        faults.ConflictRate = 0.2;
        faults.ErrorRate = 0.05;
        faults.ErrorStatusCode = 500;
        await PlaceAsync(_cluster.NewPair());

        faults.DropWatches();
        faults.ExpireWatchHistory();
        faults.DropWatches();
        var after = await FailOverAsync("line1", "node-b", () => { _cluster.Nodes["node-a"].Health = HealthMode.Failing; return Task.CompletedTask; }, "failover under API faults");

        faults.Reset();
        Report("API faults", after);
        Assert.Equal("ProbeFailed", after.Status!.LastTransition!.Reason);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the standby acting", Ct);
    }

    [Fact]
    public async Task Reconcile_PairDeleted_LeavesNothingBehind()
    {
        await PlaceAsync(_cluster.NewPair());

        await _cluster.Admin.DeleteAsync<RedundantPair>(OperatorCaches.PairType, TestCluster.Namespace, "line1", cancellationToken: Ct);

        await TestCluster.WaitUntilAsync(() => Gone().Result, Settle, "the pair and everything it owned gone", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.Kubelet.Collectors.Count == 0, Settle, "the collectors stopped", Ct);
        Assert.Null(_cluster.ActingPodOn("node-a"));

        async Task<bool> Gone()
        {
            var selector = new ListOptions { LabelSelector = "edgeha.io/pair=line1" };
            var pairs = await _cluster.Admin.ListAsync<RedundantPair>(OperatorCaches.PairType, TestCluster.Namespace, cancellationToken: Ct);
            return pairs.Items.Count == 0
                && (await _cluster.Admin.ListAsync<Deployment>(TestCluster.Namespace, selector, Ct)).Items.Count == 0
                && (await _cluster.Admin.ListAsync<Service>(TestCluster.Namespace, selector, Ct)).Items.Count == 0
                && (await _cluster.Admin.ListAsync<Lease>(TestCluster.Namespace, selector, Ct)).Items.Count == 0
                && (await _cluster.Admin.ListAsync<Pod>(TestCluster.Namespace, selector, Ct)).Items.Count == 0;
        }
    }

    [Fact]
    public async Task Reconcile_ColdStandby_StartsTheStandbyOnlyWhenPromoted()
    {
        await PlaceAsync(_cluster.NewPair(configure: s => s.StandbyMode = StandbyMode.Cold));
        Assert.Equal(0, (await _cluster.Admin.GetAsync<Deployment>("line1-node-b", TestCluster.Namespace, Ct)).Spec!.Replicas);
        Assert.DoesNotContain(_cluster.Kubelet.Collectors.Keys, p => p.Contains("-node-b-", StringComparison.Ordinal));

        var after = await FailOverAsync("line1", "node-b", () => _cluster.Nodes["node-a"].SetReadyAsync(false, Ct), "cold failover");

        Report("cold standby, node not ready", after);
        Assert.Equal(1, (await _cluster.Admin.GetAsync<Deployment>("line1-node-b", TestCluster.Namespace, Ct)).Spec!.Replicas);
        Assert.Equal(0, (await _cluster.Admin.GetAsync<Deployment>("line1-node-a", TestCluster.Namespace, Ct)).Spec!.Replicas);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the promoted cold standby acting", Ct);
    }

    [Fact]
    public async Task Reconcile_SimulatorEnabled_RunsTheSimulatorAndReportsDataFlowing()
    {
        await PlaceAsync(_cluster.NewPair(configure: s => s.Simulator = new SimulatorSpec { Enabled = true, CheckPeriodSeconds = 1 }));

        var flowing = await _cluster.WaitForPairAsync("line1",
            p => Controller.Conditions.IsTrue(p.Status?.Conditions, ConditionTypes.EndToEndDataFlowing), Settle, "EndToEndDataFlowing=True", Ct);

        Assert.Equal("SequenceAdvancing", Controller.Conditions.Find(flowing.Status!.Conditions, ConditionTypes.EndToEndDataFlowing)!.Reason);
        var simulator = await _cluster.Admin.GetAsync<Deployment>("line1-simulator", TestCluster.Namespace, Ct);
        Assert.Equal("edgeha/modbus-simulator", simulator.Spec!.Template!.Spec!.Containers[0].Image);
        var service = await _cluster.Admin.GetAsync<Service>("line1-simulator", TestCluster.Namespace, Ct);
        Assert.Equal(5020, service.Spec!.Ports!.Single().Port);
    }

    [Fact]
    public async Task Reconcile_KubeVipAnnouncesTheAddress_VipAssignedAndAnnouncedByFromVipHost()
    {
        await PlaceAsync(_cluster.NewPair(configure: s => s.Vip = new VipSpec
        {
            Provider = VipProvider.KubeVip,
            Address = "192.168.10.50",
            Ports = [new VipPort { Name = "modbus", Port = 502, TargetPort = 5020 }],
        }));
        var pending = await _cluster.GetPairAsync("line1", Ct);
        Assert.True(Controller.Conditions.IsFalse(pending.Status!.Conditions, ConditionTypes.VipAssigned));
        var service = await _cluster.Admin.GetAsync<Service>("line1-vip", TestCluster.Namespace, Ct);
        Assert.Equal("192.168.10.50", service.Metadata.Annotations![PairObjects.KubeVipIps]);
        Assert.Equal("LoadBalancer", service.Spec!.Type);

        // What kube-vip does: announce, record the announcing host, publish the ingress.
        await _cluster.Admin.PatchAsync<Service>("line1-vip", KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [PairObjects.KubeVipHost] = "node-a" } } }), TestCluster.Namespace, Ct);
        await _cluster.Admin.PatchStatusAsync<Service>("line1-vip", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.168.10.50" }) } } }), TestCluster.Namespace, Ct);

        var assigned = await _cluster.WaitForPairAsync("line1", p => Controller.Conditions.IsTrue(p.Status?.Conditions, ConditionTypes.VipAssigned), Settle, "VipAssigned=True", Ct);
        Assert.Equal("192.168.10.50", assigned.Status!.Vip!.Address);
        Assert.Equal("node-a", assigned.Status.Vip.AnnouncedBy);
        Assert.Equal(VipProvider.KubeVip, assigned.Status.Vip.Provider);
        var kept = await _cluster.Admin.GetAsync<Service>("line1-vip", TestCluster.Namespace, Ct);
        Assert.Equal("node-a", kept.Metadata.Annotations![PairObjects.KubeVipHost]);
    }

    [Fact]
    public async Task Reconcile_ActiveNodeLeaseStopsRenewing_FailsOverAfterTheStaleTime()
    {
        // Roomy pair-lease terms: under a loaded suite a starved stand-in's renewals must not go stale first.
        await PlaceAsync(_cluster.NewPair(configure: s =>
        {
            s.NodeHealth = new NodeHealthSpec { NodeLeaseStaleSeconds = 5 };
            s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 3000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 300 };
        }));
        var stoppedAt = DateTime.UtcNow;

        // A dead kubelet: the node lease is no longer renewed (the Node object still says Ready).
        var after = await FailOverAsync("line1", "node-b", () => { _cluster.Nodes["node-a"].HeartbeatStopped = true; return Task.CompletedTask; }, "failover on a stale node lease");

        Report("stale node lease", after);
        Assert.Equal("NodeLeaseStale", after.Status!.LastTransition!.Reason);
        Assert.True(DateTime.UtcNow - stoppedAt >= TimeSpan.FromSeconds(4.8), "failed over before the node lease could be stale");
    }

    [Fact]
    public async Task Reconcile_OperatorRestartsDuringAPartition_ExpiryCountsFromItsFirstObservation()
    {
        var pair = _cluster.NewPair();
        await PlaceAsync(pair);
        // The operator goes away; meanwhile the active node is partitioned and its lease runs out by wall-clock time.
        await (await StopFirstOperatorAsync()).DisposeAsync();
        var node = _cluster.Nodes["node-a"];
        node.Handler.Cut = true;
        node.Health = HealthMode.Silent;
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);

        // A new operator has never seen the lease renewed: its clock starts at its first observation.
        var restarted = System.Diagnostics.Stopwatch.GetTimestamp();
        await _cluster.StartOperatorAsync(Ct);
        await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, "node-b"), Settle, "failover by the restarted operator", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-b") is not null, Settle, "the standby acting", Ct);

        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(restarted, _cluster.Acting.FirstOn("node-b", restarted)!.Start).TotalMilliseconds;
        var minimum = pair.Spec.Fencing.LeaseDurationMilliseconds + pair.Spec.Fencing.ClockSkewMarginMilliseconds;
        output.WriteLine($"MEASURED restart during partition -> standby acting {waited:0} ms after the new operator started (at least {minimum} ms)");
        Assert.True(waited >= minimum, $"the standby acted {waited:0} ms after the restart, before lease + margin ({minimum} ms) by the new operator's clock");
    }

    private Task<Hosting.OperatorHost> StopFirstOperatorAsync() => _cluster.StopOperatorAsync(0);
    private static JsonObject NewCollectorEnv(string value) => new()
    {
        ["spec"] = new JsonObject
        {
            ["template"] = JsonNode.Parse($$$"""{"spec":{"containers":[{"name":"collector","image":"edgeha/collector:test","env":[{"name":"VERSION","value":"{{{value}}}"}]}]}}"""),
        },
    };

    private string? TemplateOf(string node) =>
        PairObjects.TemplateHashOf(_cluster.Admin.GetAsync<Deployment>(PairLabels.DeploymentName("line1", node), TestCluster.Namespace, Ct).GetAwaiter().GetResult().Spec?.Template);

    [Fact]
    public async Task TemplateChanged_UpgradesTheStandbySwitchesOverToItThenUpgradesTheFormerActive()
    {
        // Roomy fencing terms: the test counts acting intervals, and a renewal starved by a loaded machine would split one.
        var placed = await PlaceAsync(_cluster.NewPair(configure: s =>
        {
            s.Failover!.Failback = FailbackMode.Manual;
            s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 3000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 300 };
        }));
        var (oldA, oldB) = (TemplateOf(TestCluster.NodeA), TemplateOf(TestCluster.NodeB));
        var firstActing = _cluster.ActingPodOn(TestCluster.NodeA)!;

        await _cluster.PatchPairAsync("line1", NewCollectorEnv("2"), Ct);

        var switched = await _cluster.WaitForPairAsync("line1", p => ActiveOn(p, TestCluster.NodeB) && p.Status!.Epoch > placed.Status!.Epoch, Settle, "the switchover to the upgraded standby", Ct);
        var done = await _cluster.WaitForPairAsync("line1", p => p.Status!.Rollout?.Phase == CollectorRollout.Complete, Settle, "the rollout to complete", Ct);

        Assert.NotEqual(oldB, TemplateOf(TestCluster.NodeB));
        Assert.NotEqual(oldA, TemplateOf(TestCluster.NodeA));
        Assert.Equal([TestCluster.NodeA, TestCluster.NodeB], done.Status!.Rollout!.UpdatedNodes!.Order());
        Assert.Equal(("SwitchoverRequested", TestCluster.NodeA), (switched.Status!.LastTransition!.Reason, switched.Status.LastTransition.From));
        Assert.Equal(TestCluster.NodeB, done.Status!.ActiveNode); // manual fail-back: the upgraded standby stays active
        Assert.Equal(placed.Status!.Epoch + 1, done.Status.Epoch); // exactly one switch
        // The first active acted until the switchover, never restarted in place; the collector that took over was the
        // standby's new pod.
        var intervals = _cluster.Acting.Snapshot();
        Assert.Equal(firstActing, intervals[0].Pod);
        Assert.True(intervals.Count(i => i.Node == TestCluster.NodeA) == 1, "the active side was restarted during the upgrade");
    }

    [Fact]
    public async Task UpgradedStandbyNeverHealthy_RolloutStallsAndTheOldActiveKeepsActing()
    {
        var placed = await PlaceAsync(_cluster.NewPair(configure: s =>
        {
            s.Failover!.ProgressDeadlineSeconds = 10;
            s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 3000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 300 };
        }));
        var oldVersion = TemplateOf(TestCluster.NodeA);
        _cluster.Nodes[TestCluster.NodeB].Health = HealthMode.Failing; // whatever runs on node-b fails its probes

        await _cluster.PatchPairAsync("line1", NewCollectorEnv("broken"), Ct);

        var stalled = await _cluster.WaitForPairAsync("line1", p => p.Status!.Rollout?.Phase == CollectorRollout.StalledPhase, TimeSpan.FromSeconds(30), "the rollout to stall", Ct);
        Assert.Equal((TestCluster.NodeA, placed.Status!.Epoch), (stalled.Status!.ActiveNode, stalled.Status.Epoch));
        Assert.Equal(oldVersion, TemplateOf(TestCluster.NodeA));
        Assert.NotEqual(oldVersion, TemplateOf(TestCluster.NodeB));
        Assert.Contains("node-a keeps running the old version", stalled.Status.Rollout!.Message, StringComparison.Ordinal);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn(TestCluster.NodeA) is not null, Settle, "node-a acting", Ct);
    }
}
