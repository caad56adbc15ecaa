using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>The resources the sandbox serves: the built-in kinds plus those of established CRDs.</summary>
internal sealed class ResourceRegistry
{
    public const string RbacGroup = "rbac.authorization.k8s.io";
    public const string AuthorizationGroup = "authorization.k8s.io";

    private readonly Lock _gate = new();
    private readonly List<ResourceType> _builtIn;
    private readonly Dictionary<string, List<ResourceType>> _byCrd = new(StringComparer.Ordinal);

    public ResourceRegistry()
    {
        string[] all = ["all"];
        _builtIn =
        [
            Core("namespaces", "namespace", "Namespace", false, ["ns"], status: true),
            Core("nodes", "node", "Node", false, ["no"], status: true, fields: ["spec.unschedulable"]),
            Core("pods", "pod", "Pod", true, ["po"], status: true, categories: all, fields: ["spec.nodeName", "status.phase", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP"]),
            Core("services", "service", "Service", true, ["svc"], status: true, categories: all),
            Core("configmaps", "configmap", "ConfigMap", true, ["cm"]),
            Core("secrets", "secret", "Secret", true, [], fields: ["type"]),
            Core("serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"]),
            Core("endpoints", "endpoints", "Endpoints", true, ["ep"]),
            Core("events", "event", "Event", true, ["ev"], fields: ["involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "reason", "type", "source"]),
            Named("apps", "deployments", "deployment", "Deployment", true, ["deploy"], status: true, categories: all),
            Named("apps", "replicasets", "replicaset", "ReplicaSet", true, ["rs"], status: true, categories: all),
            Named("coordination.k8s.io", "leases", "lease", "Lease", true, []),
            Named("discovery.k8s.io", "endpointslices", "endpointslice", "EndpointSlice", true, []),
            Named(RbacGroup, "roles", "role", "Role", true, []),
            Named(RbacGroup, "rolebindings", "rolebinding", "RoleBinding", true, []),
            Named(RbacGroup, "clusterroles", "clusterrole", "ClusterRole", false, []),
            Named(RbacGroup, "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, []),
            Named(AuthorizationGroup, "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false, [], verbs: ["create"]),
            new ResourceType
            {
                Group = "events.k8s.io",
                Version = "v1",
                Plural = "events",
                Singular = "event",
                Kind = "Event",
                Namespaced = true,
                ShortNames = ["ev"],
                ExtraFieldLabels = ["regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid", "reason", "reportingController", "type"],
                SharedStorageKey = "/events",
            },
            Named("apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, ["crd", "crds"], status: true, categories: ["api-extensions"]),
        ];
    }

    /// <summary>All served resource types, built-in first.</summary>
    public IReadOnlyList<ResourceType> All()
    {
        lock (_gate)
        {
            return [.. _builtIn, .. _byCrd.Values.SelectMany(v => v)];
        }
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var t in All())
        {
            if (t.Group == group && t.Version == version && t.Plural == plural)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Finds the type for an object's apiVersion and kind (used for seeding and owner lookups).</summary>
    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        foreach (var t in All())
        {
            if (t.ApiVersion == apiVersion && t.Kind == kind)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Types of one storage key (all versions of a resource).</summary>
    public ResourceType? AnyOfStorage(string storageKey) => All().FirstOrDefault(t => t.StorageKey == storageKey);

    /// <summary>Serves (or re-serves after an update) the versions a CRD declares.</summary>
    public void Register(JsonObject crd)
    {
        var name = crd["metadata"]?["name"]?.GetValue<string>() ?? "";
        var spec = crd["spec"]!.AsObject();
        var group = spec["group"]!.GetValue<string>();
        var names = spec["names"]!.AsObject();
        var plural = names["plural"]!.GetValue<string>();
        var kind = names["kind"]!.GetValue<string>();
        var singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [];
        var categories = (names["categories"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [];
        var namespaced = spec["scope"]?.GetValue<string>() != "Cluster";
        var types = new List<ResourceType>();
        foreach (var v in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (v["served"]?.GetValue<bool>() == false)
            {
                continue;
            }

            types.Add(new ResourceType
            {
                Group = group,
                Version = v["name"]!.GetValue<string>(),
                Plural = plural,
                Singular = singular,
                Kind = kind,
                Namespaced = namespaced,
                ShortNames = shortNames,
                Categories = categories,
                HasStatus = v["subresources"]?["status"] is not null,
                IsCustom = true,
                Schema = v["schema"]?["openAPIV3Schema"] as JsonObject,
                PrinterColumns = (v["additionalPrinterColumns"] as JsonArray)?.OfType<JsonObject>().ToArray() ?? [],
            });
        }

        lock (_gate)
        {
            _byCrd[name] = types;
        }
    }

    /// <summary>Stops serving a CRD's resources; returns the storage key its objects used.</summary>
    public string? Unregister(string crdName)
    {
        lock (_gate)
        {
            if (_byCrd.Remove(crdName, out var types) && types.Count > 0)
            {
                return types[0].StorageKey;
            }
        }

        return null;
    }

    /// <summary>Group versions in the order discovery lists them, preferred version first.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        return All().Where(t => t.Group.Length > 0)
            .GroupBy(t => t.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList()))
            .ToList();
    }

    /// <summary>Kubernetes version ordering: GA over beta over alpha, higher numbers first.</summary>
    internal static int VersionPriority(string version)
    {
        var m = System.Text.RegularExpressions.Regex.Match(version, "^v([0-9]+)(?:(alpha|beta)([0-9]+))?$");
        if (!m.Success)
        {
            return -1;
        }

        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var level = m.Groups[2].Value switch { "alpha" => 0, "beta" => 1, _ => 2 };
        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (level * 100_000) + (major * 100) + minor;
    }

    private static ResourceType Core(string plural, string singular, string kind, bool namespaced, string[] shortNames,
        bool status = false, string[]? categories = null, string[]? fields = null) =>
        Named("", plural, singular, kind, namespaced, shortNames, status, categories, fields);

    private static ResourceType Named(string group, string plural, string singular, string kind, bool namespaced, string[] shortNames,
        bool status = false, string[]? categories = null, string[]? fields = null, string[]? verbs = null) => new()
        {
            Verbs = verbs,
            Group = group,
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames,
            Categories = categories ?? [],
            HasStatus = status,
            ExtraFieldLabels = fields ?? [],
        };
}
