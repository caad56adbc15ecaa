using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>What a request asks to do, as kube-apiserver's RequestInfo names it (a resource request or a non-resource path).</summary>
internal sealed record RequestAttributes(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name, string? Path = null)
{
    public bool IsResourceRequest => Path is null;

    public static RequestAttributes NonResource(string verb, string path) => new(verb, "", "", null, null, null, path);

    /// <summary>The verb of a resource request from its method and shape (get/list/watch, create, update, patch, delete, deletecollection).</summary>
    public static string VerbOf(string method, bool named, bool watch) => method switch
    {
        "GET" or "HEAD" => watch ? "watch" : named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => method.ToLowerInvariant(),
    };
}

/// <summary>
/// RBAC as kube-apiserver evaluates it: a request is allowed when a rule of a Role or ClusterRole bound to the user,
/// one of its groups or its ServiceAccount grants the verb on the API group, resource (or resource/subresource) and,
/// when the rule lists resourceNames, the object's name; a RoleBinding's rules count only in its namespace.
/// system:masters may do anything. Every authenticated caller may read discovery, version and health, as the default
/// system:discovery, system:public-info-viewer and system:basic-user bindings allow. Writes of Roles and bindings
/// also pass <see cref="RbacEscalationCheck"/>. Not modelled: aggregated ClusterRoles.
/// </summary>
internal sealed class RbacAuthorizer
{
    private static readonly string[] DiscoveryPaths = ["/api", "/apis", "/openapi", "/version", "/healthz", "/livez", "/readyz"];
    private readonly ObjectStore _store;
    private readonly ResourceType _roles, _clusterRoles, _roleBindings, _clusterRoleBindings;

    public RbacAuthorizer(ObjectStore store, ResourceRegistry registry)
    {
        _store = store;
        ResourceType Find(string plural) => registry.Find(ResourceRegistry.RbacGroup, "v1", plural)!;
        _roles = Find("roles");
        _clusterRoles = Find("clusterroles");
        _roleBindings = Find("rolebindings");
        _clusterRoleBindings = Find("clusterrolebindings");
    }

    public bool Allows(RequestUser user, RequestAttributes a)
    {
        if (user.IsMaster)
        {
            return true;
        }

        if (!a.IsResourceRequest && a.Verb is "get" or "head" && DiscoveryPaths.Any(p => a.Path == p || a.Path!.StartsWith(p + "/", StringComparison.Ordinal)))
        {
            return true;
        }

        if (a is { IsResourceRequest: true, Verb: "create", Group: ResourceRegistry.AuthorizationGroup, Resource: "selfsubjectaccessreviews" })
        {
            return true; // system:basic-user: everyone may ask what they may do
        }

        foreach (var binding in _store.List(_clusterRoleBindings, null, LabelSelector.Everything, FieldSelector.Everything, 0, null).Items)
        {
            if (Binds(binding, user) && RulesOf(binding, bindingNamespace: null).Any(r => Grants(r, a)))
            {
                return true;
            }
        }

        if (a.Namespace is not { Length: > 0 } ns)
        {
            return false;
        }

        foreach (var binding in _store.List(_roleBindings, ns, LabelSelector.Everything, FieldSelector.Everything, 0, null).Items)
        {
            if (Binds(binding, user) && RulesOf(binding, ns).Any(r => Grants(r, a)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The 403 message kube-apiserver writes, e.g. <c>leases.coordination.k8s.io "x" is forbidden: User "..." cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "ns"</c>.</summary>
    public static ApiException Forbidden(RequestUser user, RequestAttributes a)
    {
        if (!a.IsResourceRequest)
        {
            return new ApiException(403, "Forbidden", $"forbidden: User \"{user.Name}\" cannot {a.Verb} path \"{a.Path}\"", new JsonObject());
        }

        var resource = a.Subresource is { } sub ? $"{a.Resource}/{sub}" : a.Resource;
        var qualified = a.Group.Length == 0 ? resource : $"{resource}.{a.Group}";
        var scope = a.Namespace is { Length: > 0 } ns ? $"in the namespace \"{ns}\"" : "at the cluster scope";
        var why = $"User \"{user.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.Group}\" {scope}";
        var details = new JsonObject();
        if (a.Name is { } name)
        {
            details["name"] = name;
        }

        if (a.Group.Length > 0)
        {
            details["group"] = a.Group;
        }

        details["kind"] = resource;
        return new ApiException(403, "Forbidden", a.Name is { } n ? $"{qualified} \"{n}\" is forbidden: {why}" : $"{qualified} is forbidden: {why}", details);
    }

    private static bool Binds(JsonObject binding, RequestUser user)
    {
        var sa = user.ServiceAccountName;
        foreach (var subject in binding["subjects"] as JsonArray ?? [])
        {
            var kind = Text(subject?["kind"]);
            var name = Text(subject?["name"]);
            var matches = kind switch
            {
                "User" => name == user.Name,
                "Group" => user.Groups.Contains(name, StringComparer.Ordinal),
                "ServiceAccount" => sa is { } s && s.Name == name && s.Namespace == (Text(subject?["namespace"]) ?? ObjectStore.Namespace(binding)),
                _ => false,
            };
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private IEnumerable<JsonObject> RulesOf(JsonObject binding, string? bindingNamespace)
    {
        var kind = Text(binding["roleRef"]?["kind"]);
        var name = Text(binding["roleRef"]?["name"]) ?? "";
        JsonObject role;
        try
        {
            role = kind switch
            {
                "ClusterRole" => _store.Get(_clusterRoles, "", name),
                "Role" when bindingNamespace is not null => _store.Get(_roles, bindingNamespace, name),
                _ => new JsonObject(),
            };
        }
        catch (ApiException e) when (e.Code == 404)
        {
            yield break; // a binding to a missing role grants nothing
        }

        foreach (var rule in role["rules"] as JsonArray ?? [])
        {
            if (rule is JsonObject r)
            {
                yield return r;
            }
        }
    }

    private static bool Grants(JsonObject rule, RequestAttributes a)
    {
        if (!Has(rule["verbs"], a.Verb))
        {
            return false;
        }

        if (!a.IsResourceRequest)
        {
            return (rule["nonResourceURLs"] as JsonArray ?? []).Select(Text).Any(u =>
                u == "*" || u == a.Path || (u is { Length: > 0 } && u.EndsWith('*') && a.Path!.StartsWith(u[..^1], StringComparison.Ordinal)));
        }

        if (!Has(rule["apiGroups"], a.Group) || !ResourceMatches(rule["resources"], a))
        {
            return false;
        }

        var names = rule["resourceNames"] as JsonArray;
        return names is null || names.Count == 0 || (a.Name is { } n && names.Select(Text).Contains(n, StringComparer.Ordinal));
    }

    private static bool ResourceMatches(JsonNode? resources, RequestAttributes a)
    {
        var combined = a.Subresource is { } sub ? $"{a.Resource}/{sub}" : a.Resource;
        foreach (var r in (resources as JsonArray ?? []).Select(Text))
        {
            if (r == "*" || r == combined || (a.Subresource is { } s && r == "*/" + s))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Has(JsonNode? list, string value) =>
        (list as JsonArray ?? []).Select(Text).Any(v => v == "*" || v == value);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
