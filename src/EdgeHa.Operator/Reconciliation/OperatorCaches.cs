using EdgeHa.Api;
using EdgeHa.Controller.Informers;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// The informers the reconciler reads from: RedundantPairs, and the Deployments, Pods, Services, pair Leases and the
/// collectors' ServiceAccounts, Roles and RoleBindings labelled with <see cref="PairLabels.Pair"/>, Nodes, and the
/// node Leases in kube-node-lease.
/// </summary>
public sealed class OperatorCaches
{
    /// <summary>The index of labelled objects by <c>namespace/pair</c>.</summary>
    public const string PairIndex = "pair";

    /// <summary>The RedundantPair custom resource.</summary>
    public static readonly ResourceType PairType = ResourceType.Named(RedundantPair.Group, RedundantPair.Version, RedundantPair.Plural, RedundantPair.KindName);

    public OperatorCaches(IKubernetesClient client, string? watchNamespace, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(client);
        InformerOptions Options(string name) => new()
        {
            Name = name,
            TimeProvider = time,
            Logger = loggerFactory.CreateLogger("EdgeHa.Operator.Informer." + name),
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(5),
            MinWatchDuration = TimeSpan.FromMilliseconds(200),
        };

        var ns = string.IsNullOrEmpty(watchNamespace) ? null : watchNamespace;
        Pairs = new Informer<RedundantPair>(new KubeListerWatcher<RedundantPair>(client, ns, type: PairType), Options("redundantpairs"));
        Deployments = new Informer<Deployment>(new KubeListerWatcher<Deployment>(client, ns, PairLabels.Pair), Options("deployments"));
        Pods = new Informer<Pod>(new KubeListerWatcher<Pod>(client, ns, PairLabels.Pair), Options("pods"));
        Services = new Informer<Service>(new KubeListerWatcher<Service>(client, ns, PairLabels.Pair), Options("services"));
        Leases = new Informer<Lease>(new KubeListerWatcher<Lease>(client, ns, PairLabels.Pair), Options("leases"));
        ServiceAccounts = new Informer<ServiceAccount>(new KubeListerWatcher<ServiceAccount>(client, ns, PairLabels.Pair), Options("serviceaccounts"));
        Roles = new Informer<Role>(new KubeListerWatcher<Role>(client, ns, PairLabels.Pair), Options("roles"));
        RoleBindings = new Informer<RoleBinding>(new KubeListerWatcher<RoleBinding>(client, ns, PairLabels.Pair), Options("rolebindings"));
        Nodes = new Informer<Node>(new KubeListerWatcher<Node>(client), Options("nodes"));
        NodeLeases = new Informer<Lease>(new KubeListerWatcher<Lease>(client, PairLabels.NodeLeaseNamespace), Options("node-leases"));

        Deployments.Store.AddIndexer(PairIndex, PairOf);
        Pods.Store.AddIndexer(PairIndex, PairOf);
        Services.Store.AddIndexer(PairIndex, PairOf);
        Leases.Store.AddIndexer(PairIndex, PairOf);
    }

    public Informer<RedundantPair> Pairs { get; }

    public Informer<Deployment> Deployments { get; }

    public Informer<Pod> Pods { get; }

    public Informer<Service> Services { get; }

    public Informer<Lease> Leases { get; }

    public Informer<ServiceAccount> ServiceAccounts { get; }

    public Informer<Role> Roles { get; }

    public Informer<RoleBinding> RoleBindings { get; }

    public Informer<Node> Nodes { get; }

    public Informer<Lease> NodeLeases { get; }

    /// <summary>True once every informer has listed once.</summary>
    public bool HasSynced => Pairs.HasSynced && Deployments.HasSynced && Pods.HasSynced && Services.HasSynced
        && Leases.HasSynced && ServiceAccounts.HasSynced && Roles.HasSynced && RoleBindings.HasSynced
        && Nodes.HasSynced && NodeLeases.HasSynced;

    /// <summary>The pair key (<c>namespace/name</c>) an object is labelled with, if any.</summary>
    public static IEnumerable<string> PairOf(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.Labels is { } labels && labels.TryGetValue(PairLabels.Pair, out var pair) && pair.Length > 0
            ? [ObjectKey.Of(obj.Metadata.Namespace, pair)]
            : [];
    }

    /// <summary>Runs every informer until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Pairs.RunAsync(cancellationToken),
        Deployments.RunAsync(cancellationToken),
        Pods.RunAsync(cancellationToken),
        Services.RunAsync(cancellationToken),
        Leases.RunAsync(cancellationToken),
        ServiceAccounts.RunAsync(cancellationToken),
        Roles.RunAsync(cancellationToken),
        RoleBindings.RunAsync(cancellationToken),
        Nodes.RunAsync(cancellationToken),
        NodeLeases.RunAsync(cancellationToken));

    /// <summary>Waits until every informer has listed once; false when cancelled first.</summary>
    public async Task<bool> WaitForSyncAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(
            Pairs.WaitForCacheSyncAsync(cancellationToken),
            Deployments.WaitForCacheSyncAsync(cancellationToken),
            Pods.WaitForCacheSyncAsync(cancellationToken),
            Services.WaitForCacheSyncAsync(cancellationToken),
            Leases.WaitForCacheSyncAsync(cancellationToken),
            ServiceAccounts.WaitForCacheSyncAsync(cancellationToken),
            Roles.WaitForCacheSyncAsync(cancellationToken),
            RoleBindings.WaitForCacheSyncAsync(cancellationToken),
            Nodes.WaitForCacheSyncAsync(cancellationToken),
            NodeLeases.WaitForCacheSyncAsync(cancellationToken)).ConfigureAwait(false);
        return results.All(r => r);
    }

    /// <summary>The keys of the pairs that name <paramref name="node"/> as primary or standby.</summary>
    public IEnumerable<string> PairsOnNode(string node) =>
        Pairs.Store.List().Where(p => p.Spec?.PrimaryNode == node || p.Spec?.StandbyNode == node).Select(ObjectKey.Of);
}
