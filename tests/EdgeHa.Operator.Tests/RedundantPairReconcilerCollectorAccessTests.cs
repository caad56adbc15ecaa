using EdgeHa.Api;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;
using EdgeHa.Operator.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>
/// The operator against the sandbox API server, RBAC enforced for every token but the admin's: each pair's collectors
/// get a ServiceAccount, Role and RoleBinding of their own that reach only the pair's Lease, hand edits are reset, and
/// the three go with the pair. The operator runs as the admin here (OperatorUnderChartRbacTests runs it with the
/// chart's RBAC); the collectors run as the admin too, except where a test runs them as their pod's ServiceAccount.
/// The sandbox does not model the escalation check on creating Roles (tests/manifests/check.sh checks that statically).
/// </summary>
public sealed class RedundantPairReconcilerCollectorAccessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Access = "line1-collector";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));
    private TestCluster _cluster = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(Ct, LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Information)).SetMinimumLevel(LogLevel.Information)), authorizeWithRbac: true);

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Assert.Empty(_cluster.Acting.Overlaps());
        _timeout.Dispose();
    }

    private async Task<RedundantPair> PlaceAsync()
    {
        // Roomy pair-lease terms: under a loaded suite a starved stand-in's renewals must not go stale first.
        var pair = _cluster.NewPair(configure: s => s.Fencing = new FencingSpec { LeaseDurationMilliseconds = 3000, RenewIntervalMilliseconds = 500, ClockSkewMarginMilliseconds = 300 });
        await _cluster.StartOperatorAsync(Ct);
        await _cluster.CreatePairAsync(pair, Ct);
        var placed = await _cluster.WaitForPairAsync("line1", p => p.Status is { ActiveNode: "node-a", Phase: PairPhase.Active, LastTransition.SwitchMilliseconds: not null }, Settle, "first placement", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn("node-a") is not null, Settle, "the primary collector acting", Ct);
        return placed;
    }

    private static void AssertOwnedByThePair(KubernetesObject o, RedundantPair pair)
    {
        Assert.Equal("line1", o.Metadata.Labels![PairLabels.Pair]);
        var owner = Assert.Single(o.Metadata.OwnerReferences!);
        Assert.Equal((RedundantPair.KindName, "line1", pair.Metadata.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
    }

    private static void AssertExactRules(Role role) =>
        Assert.Equal(
            """[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","update","watch"],"resourceNames":["line1-active"]}]""",
            Kube.Serialization.KubeJson.Serialize(role.Rules));

    private static void AssertExactSubjects(RoleBinding binding)
    {
        Assert.Equal(("rbac.authorization.k8s.io", "Role", Access), (binding.RoleRef!.ApiGroup, binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects!);
        Assert.Equal(("ServiceAccount", Access, TestCluster.Namespace), (subject.Kind, subject.Name, subject.Namespace));
    }

    [Fact]
    public async Task Reconcile_NewPair_CreatesTheCollectorsServiceAccountRoleAndBinding_AndThePodsRunAsIt()
    {
        var pair = await PlaceAsync();

        var account = await _cluster.Admin.GetAsync<ServiceAccount>(Access, TestCluster.Namespace, Ct);
        var role = await _cluster.Admin.GetAsync<Role>(Access, TestCluster.Namespace, Ct);
        var binding = await _cluster.Admin.GetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct);
        AssertOwnedByThePair(account, pair);
        AssertOwnedByThePair(role, pair);
        AssertOwnedByThePair(binding, pair);
        AssertExactRules(role);
        AssertExactSubjects(binding);

        var pods = (await _cluster.Admin.ListAsync<Pod>(TestCluster.Namespace, new ListOptions { LabelSelector = "edgeha.io/pair=line1" }, Ct)).Items;
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal(Access, p.Spec!.ServiceAccountName));
    }

    [Fact]
    public async Task Reconcile_RbacEnforced_CollectorsHoldAndHandOverTheLeaseAsTheirOwnAccountAndAreRefusedAnyOther()
    {
        _cluster.RunCollectorsAsTheirServiceAccount();
        await PlaceAsync();
        _cluster.Nodes[TestCluster.NodeA].Health = HealthMode.Failing;
        await _cluster.WaitForPairAsync("line1", p => p.Status is { ActiveNode: TestCluster.NodeB, Epoch: >= 2 }, Settle, "failover to node-b", Ct);
        await TestCluster.WaitUntilAsync(() => _cluster.ActingPodOn(TestCluster.NodeB) is not null, Settle, "the standby acting as its own account", Ct);

        // Get, renew, release and the name-selected watch all went through with the pair's own Role.
        Assert.Contains(_cluster.Nodes.Values.SelectMany(n => n.Handler.Sent), r => r.PathAndQuery.Contains("watch=true", StringComparison.Ordinal));
        var refused = _cluster.Server.Denials.Where(d => d.Contains($"system:serviceaccount:{TestCluster.Namespace}:{Access}", StringComparison.Ordinal)).ToList();
        Assert.True(refused.Count == 0, "the sandbox refused the collectors:\n" + string.Join('\n', refused.Distinct()));

        // The same token may not touch another pair's Lease, nor read the namespace's Leases at large.
        var other = new Lease { Metadata = new ObjectMeta { Name = "line2-active", Namespace = TestCluster.Namespace }, Spec = new LeaseSpec { HolderIdentity = "line2-pod" } };
        other = await _cluster.Admin.CreateAsync(other, Ct);
        using var collector = _cluster.Nodes[TestCluster.NodeA].ClientWithToken(_cluster.Server.IssueServiceAccountToken(TestCluster.Namespace, Access));
        await Assert.ThrowsAsync<ForbiddenException>(() => collector.GetAsync<Lease>("line2-active", TestCluster.Namespace, Ct));
        other.Spec!.HolderIdentity = "line1-pod";
        await Assert.ThrowsAsync<ForbiddenException>(() => collector.ReplaceAsync(other, Ct));
        await Assert.ThrowsAsync<ForbiddenException>(() => collector.ListAsync<Lease>(TestCluster.Namespace, cancellationToken: Ct));
        await Assert.ThrowsAsync<ForbiddenException>(async () =>
        {
            await foreach (var _ in collector.WatchAsync<Lease>(TestCluster.Namespace, new WatchOptions { Reconnect = false }, Ct))
            {
            }
        });
        Assert.Equal("line2-pod", (await _cluster.Admin.GetAsync<Lease>("line2-active", TestCluster.Namespace, Ct)).Spec!.HolderIdentity);
    }

    [Fact]
    public async Task Reconcile_AccessEditedByHand_IsResetOnTheNextReconcile()
    {
        var pair = await PlaceAsync();

        // Someone widens the Role to every Lease, binds a second account to it and takes our label off the account.
        var role = await _cluster.Admin.GetAsync<Role>(Access, TestCluster.Namespace, Ct);
        role.Rules = [new PolicyRule { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] }];
        await _cluster.Admin.ReplaceAsync(role, Ct);
        var binding = await _cluster.Admin.GetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct);
        binding.Subjects!.Add(new Subject { Kind = "ServiceAccount", Name = "line2-collector", Namespace = TestCluster.Namespace });
        await _cluster.Admin.ReplaceAsync(binding, Ct);
        var account = await _cluster.Admin.GetAsync<ServiceAccount>(Access, TestCluster.Namespace, Ct);
        account.Metadata.Labels!.Remove(PairLabels.Pair);
        account.Metadata.Labels["team"] = "plant-it";
        await _cluster.Admin.ReplaceAsync(account, Ct);

        await TestCluster.WaitUntilAsync(() => Reset().Result, Settle, "the Role, RoleBinding and ServiceAccount reset", Ct);

        var repaired = await _cluster.Admin.GetAsync<ServiceAccount>(Access, TestCluster.Namespace, Ct);
        AssertOwnedByThePair(repaired, pair);
        Assert.Equal("plant-it", repaired.Metadata.Labels!["team"]); // what the operator does not own is kept

        async Task<bool> Reset()
        {
            var r = await _cluster.Admin.GetAsync<Role>(Access, TestCluster.Namespace, Ct);
            var b = await _cluster.Admin.GetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct);
            var a = await _cluster.Admin.GetAsync<ServiceAccount>(Access, TestCluster.Namespace, Ct);
            return Kube.Serialization.KubeJson.Serialize(r.Rules).Contains("resourceNames", StringComparison.Ordinal)
                && b.Subjects!.Count == 1
                && a.Metadata.Labels?.ContainsKey(PairLabels.Pair) == true;
        }

        AssertExactRules(await _cluster.Admin.GetAsync<Role>(Access, TestCluster.Namespace, Ct));
        AssertExactSubjects(await _cluster.Admin.GetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct));
    }

    [Fact]
    public async Task Reconcile_BindingRecreatedForAnotherRole_IsReplacedByOneForThePairsRole()
    {
        var pair = await PlaceAsync();

        // roleRef cannot be updated (the sandbox refuses it as kube-apiserver does), so the binding is recreated by
        // hand, while no operator runs (a running one would recreate its own in between); the next one repairs it.
        await _cluster.StopOperatorAsync(0);
        await _cluster.Admin.DeleteAsync<RoleBinding>(Access, TestCluster.Namespace, cancellationToken: Ct);
        await _cluster.Admin.CreateAsync(new RoleBinding
        {
            Metadata = new ObjectMeta { Name = Access, Namespace = TestCluster.Namespace, Labels = new Dictionary<string, string> { [PairLabels.Pair] = "line1" } },
            RoleRef = new RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "edit" },
            Subjects = [new Subject { Kind = "ServiceAccount", Name = Access, Namespace = TestCluster.Namespace }],
        }, Ct);
        await _cluster.StartOperatorAsync(Ct);

        await TestCluster.WaitUntilAsync(
            () => _cluster.Admin.TryGetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct).Result?.RoleRef?.Kind == "Role", // absent between delete and create
            Settle, "the binding to the pair's Role back", Ct);

        var binding = await _cluster.Admin.GetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct);
        AssertExactSubjects(binding);
        AssertOwnedByThePair(binding, pair);
    }

    [Fact]
    public async Task Reconcile_PairDeleted_TheCollectorAccessGoesWithIt()
    {
        var pair = await PlaceAsync();
        AssertOwnedByThePair(await _cluster.Admin.GetAsync<ServiceAccount>(Access, TestCluster.Namespace, Ct), pair);
        AssertOwnedByThePair(await _cluster.Admin.GetAsync<Role>(Access, TestCluster.Namespace, Ct), pair);
        AssertOwnedByThePair(await _cluster.Admin.GetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct), pair);

        await _cluster.Admin.DeleteAsync<RedundantPair>(OperatorCaches.PairType, TestCluster.Namespace, "line1", cancellationToken: Ct);

        // The operator does not delete them itself: the owner reference does (the sandbox collects garbage as a cluster).
        await TestCluster.WaitUntilAsync(() => Gone().Result, Settle, "the ServiceAccount, Role and RoleBinding gone", Ct);

        async Task<bool> Gone() =>
            await _cluster.Admin.TryGetAsync<ServiceAccount>(Access, TestCluster.Namespace, Ct) is null
            && await _cluster.Admin.TryGetAsync<Role>(Access, TestCluster.Namespace, Ct) is null
            && await _cluster.Admin.TryGetAsync<RoleBinding>(Access, TestCluster.Namespace, Ct) is null;
    }
}
