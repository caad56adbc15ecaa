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
}
