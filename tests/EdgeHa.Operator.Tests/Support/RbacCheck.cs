using EdgeHa.Kube.Models;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>
/// How Kubernetes' RBAC authorizer would decide a request under one Role: the request attributes as kube-apiserver
/// derives them (verb from method and watch parameter; for a list or watch, the name from a
/// <c>metadata.name</c> field selector), matched against the rules. A stand-in, because the sandbox authorizes nothing.
/// </summary>
internal static class RbacCheck
{
    public sealed record Attributes(string Verb, string Group, string Resource, string? Namespace, string? Name);

    /// <summary>The request attributes of a resource request, or null for a non-resource path.</summary>
    public static Attributes? Parse(string method, string pathAndQuery)
    {
        var (path, query) = pathAndQuery.Split('?', 2) is [var p, var q] ? (p, q) : (pathAndQuery, "");
        var parts = path.Trim('/').Split('/');
        string group;
        int rest;
        if (parts is ["api", _, ..])
        {
            (group, rest) = ("", 2);
        }
        else if (parts is ["apis", _, _, ..])
        {
            (group, rest) = (parts[1], 3);
        }
        else
        {
            return null;
        }

        var tail = parts[rest..];
        string? ns = null;
        if (tail is ["namespaces", var n, _, ..])
        {
            ns = n;
            tail = tail[2..];
        }

        var resource = tail[0];
        var name = tail.Length > 1 ? Uri.UnescapeDataString(tail[1]) : null;
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2))
            .ToDictionary(kv => Uri.UnescapeDataString(kv[0]), kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "");
        var watch = parameters.TryGetValue("watch", out var w) && w is "true" or "1";
        var verb = method switch
        {
            "GET" when name is not null => "get",
            "GET" => watch ? "watch" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        if (name is null && verb is "list" or "watch" && parameters.TryGetValue("fieldSelector", out var selector))
        {
            // As requestinfo.go: a list or watch that requires metadata.name to equal one value is about that object.
            name = selector.Split(',').Select(r => r.Trim())
                .Select(r => r.StartsWith("metadata.name==", StringComparison.Ordinal) ? r["metadata.name==".Length..]
                    : r.StartsWith("metadata.name=", StringComparison.Ordinal) ? r["metadata.name=".Length..] : null)
                .FirstOrDefault(v => v is not null);
        }

        return new Attributes(verb, group, resource, ns, name);
    }

    /// <summary>True when a rule of <paramref name="role"/> allows the request (same namespace as the Role).</summary>
    public static bool Allows(Role role, Attributes request)
    {
        if (request.Namespace != role.Metadata.Namespace)
        {
            return false;
        }

        static bool Has(IList<string>? values, string value) => values is not null && (values.Contains("*") || values.Contains(value));
        return (role.Rules ?? []).Any(r => Has(r.ApiGroups, request.Group) && Has(r.Resources, request.Resource) && Has(r.Verbs, request.Verb)
            && (r.ResourceNames is not { Count: > 0 } || (request.Name is not null && r.ResourceNames.Contains(request.Name))));
    }
}
