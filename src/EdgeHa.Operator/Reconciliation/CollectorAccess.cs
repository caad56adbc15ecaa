using EdgeHa.Api;
using EdgeHa.Controller;
using EdgeHa.Controller.Events;
using EdgeHa.Controller.Informers;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// The one place where a pair's collectors get their API rights: a ServiceAccount, a Role and a RoleBinding, all
/// named <c>&lt;pair&gt;-collector</c>, owned by the pair. The Role allows exactly what
/// <see cref="Fencing.LeaseHolder"/> sends (the reference collector and the agent alike), on the pair's own Lease and
/// no other: GET of the Lease, PUT of it (renew and release), and a watch with <c>fieldSelector=metadata.name=&lt;lease&gt;</c>,
/// the only form of list/watch that Kubernetes RBAC lets through under <c>resourceNames</c>. So one pair's collector,
/// third-party code under the agent included, can neither take another pair's Lease nor the operator's own.
/// Drift is repaired on every reconcile: rules, subjects, our labels and the owner reference are reset; other fields
/// (a ServiceAccount's imagePullSecrets, extra labels and annotations) are kept.
/// </summary>
internal sealed class CollectorAccess(IKubernetesClient client, OperatorCaches caches, EventRecorder events, ILogger logger)
{
    /// <summary>
    /// The ServiceAccount the chart used to create for every pair of a namespace. A template naming it gets the pair's
    /// own ServiceAccount instead: the shared one may hold every Lease of the namespace, and is no longer installed.
    /// </summary>
    public const string LegacySharedServiceAccount = "edge-ha-collector";

    public const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>The verbs the holder uses on its Lease: get (read), update (renew, release), watch (field-selected).</summary>
    public static IReadOnlyList<string> LeaseVerbs { get; } = ["get", "update", "watch"];

    public static string Name(string pair) => $"{pair}-collector";

    /// <summary>
    /// The ServiceAccount the pair's collector pods run as: the one the template names, except none or the legacy
    /// shared one, which mean the pair's own.
    /// </summary>
    public static string PodServiceAccount(string pair, string? named) =>
        string.IsNullOrEmpty(named) || named == LegacySharedServiceAccount ? Name(pair) : named;

    public static ServiceAccount ServiceAccount(RedundantPair pair)
    {
        var account = new ServiceAccount { Metadata = Meta(pair) };
        OwnerReferences.SetController(pair, account);
        return account;
    }

    public static Role Role(RedundantPair pair)
    {
        var role = new Role
        {
            Metadata = Meta(pair),
            Rules =
            [
                new PolicyRule
                {
                    ApiGroups = ["coordination.k8s.io"],
                    Resources = ["leases"],
                    Verbs = [.. LeaseVerbs],
                    ResourceNames = [PairLabels.LeaseName(pair.Metadata.Name!)],
                },
            ],
        };
        OwnerReferences.SetController(pair, role);
        return role;
    }

    public static RoleBinding RoleBinding(RedundantPair pair)
    {
        var name = Name(pair.Metadata.Name!);
        var binding = new RoleBinding
        {
            Metadata = Meta(pair),
            RoleRef = new RoleRef { ApiGroup = RbacGroup, Kind = "Role", Name = name },
            Subjects = [new Subject { Kind = "ServiceAccount", Name = name, Namespace = pair.Metadata.Namespace }],
        };
        OwnerReferences.SetController(pair, binding);
        return binding;
    }

    /// <summary>Creates the three objects, or resets what drifted. Throws on API errors (the reconcile is retried).</summary>
    public async Task ApplyAsync(RedundantPair pair, CancellationToken cancellationToken)
    {
        // The ServiceAccount and Role before the binding that names them; all before the Deployments whose pods use them.
        await EnsureAsync(pair, caches.ServiceAccounts, ServiceAccount(pair), static (_, _) => true, static (_, _) => { }, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(pair, caches.Roles, Role(pair), static (have, want) => SameJson(have.Rules, want.Rules), static (update, want) => update.Rules = want.Rules, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(
            pair,
            caches.RoleBindings,
            RoleBinding(pair),
            static (have, want) => SameJson(have.RoleRef, want.RoleRef) && SameJson(have.Subjects, want.Subjects),
            static (update, want) => update.Subjects = want.Subjects,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureAsync<T>(RedundantPair pair, Informer<T> cache, T desired, Func<T, T, bool> sameContent, Action<T, T> repair, CancellationToken cancellationToken)
        where T : KubernetesObject
    {
        var key = ObjectKey.Of(pair);
        var name = desired.Metadata.Name!;
        var ns = desired.Metadata.Namespace;
        var existing = cache.Store.Get(ns, name);
        if (existing is null)
        {
            try
            {
                await client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
                Log.Wrote(logger, key, "created", desired.Kind!, name);
                return;
            }
            catch (AlreadyExistsException)
            {
                // The cache is behind, or the object lost our label (the cache only holds labelled ones): read it.
                existing = await client.GetAsync<T>(name, ns, cancellationToken).ConfigureAwait(false);
            }
        }

        if (OwnerReferences.GetController(existing.Metadata) is { } other && other.Uid != pair.Metadata.Uid)
        {
            // Not ours to rewrite (another controller, or a deleted pair of the same name the garbage collector has
            // not removed yet): the pods run with whatever it grants until that is resolved.
            var note = $"{desired.Kind} {name} is controlled by {other.Kind} {other.Name} (uid {other.Uid}); not changing it";
            Log.CollectorAccessNotOurs(logger, key, note);
            _ = events.WarningAsync(pair, "CollectorAccessConflict", "ApplyCollectorAccess", note, cancellationToken)
                .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return;
        }

        var update = KubeJson.Deserialize<T>(KubeJson.Serialize(existing));
        var labelsChanged = false;
        var labels = update.Metadata.Labels ??= new Dictionary<string, string>();
        foreach (var (k, v) in desired.Metadata.Labels!)
        {
            if (!labels.TryGetValue(k, out var current) || current != v)
            {
                labels[k] = v;
                labelsChanged = true;
            }
        }

        var ownerChanged = OwnerReferences.SetController(pair, update);
        if (!labelsChanged && !ownerChanged && sameContent(existing, desired))
        {
            return;
        }

        try
        {
            if (update is RoleBinding binding && desired is RoleBinding wanted && !SameJson(binding.RoleRef, wanted.RoleRef))
            {
                // roleRef is immutable: a binding to another role is replaced, only the one we read (uid precondition).
                await client.DeleteAsync<RoleBinding>(name, ns, new DeleteOptions { Preconditions = new Preconditions(Uid: existing.Metadata.Uid) }, cancellationToken).ConfigureAwait(false);
                await client.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
                Log.Wrote(logger, key, "recreated (its roleRef had changed)", desired.Kind!, name);
                return;
            }

            repair(update, desired);
            await client.ReplaceAsync(update, cancellationToken).ConfigureAwait(false);
            Log.Wrote(logger, key, "repaired", desired.Kind!, name);
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or AlreadyExistsException)
        {
            // Written or deleted since our cache saw it (often by our own last write): its watch event queues the
            // pair again, and the next reconcile starts from what is there then.
        }
    }

    private static ObjectMeta Meta(RedundantPair pair) => new()
    {
        Name = Name(pair.Metadata.Name!),
        Namespace = pair.Metadata.Namespace,
        Labels = new Dictionary<string, string> { [PairLabels.Pair] = pair.Metadata.Name! },
    };

    private static bool SameJson<TValue>(TValue a, TValue b) => KubeJson.Serialize(a) == KubeJson.Serialize(b);
}
