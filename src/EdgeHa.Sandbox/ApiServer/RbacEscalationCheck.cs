using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// kube-apiserver's guard against privilege escalation through RBAC itself. Writing a Role or ClusterRole needs the
/// <c>escalate</c> verb on it, or the writer must already hold every permission the role grants (in the role's
/// namespace; cluster-wide for a ClusterRole). Writing a RoleBinding or ClusterRoleBinding needs the <c>bind</c> verb
/// on the role it refers to, or the writer must already hold every permission of that role where the binding
/// applies. So an operator that manages per-pair Roles proves, by succeeding, that it holds what it hands out.
/// </summary>
internal sealed class RbacEscalationCheck(RbacAuthorizer authorizer, ObjectStore store, ResourceRegistry registry)
{
    /// <summary>Throws 403 with kube-apiserver's message when <paramref name="user"/> may not write <paramref name="obj"/>.</summary>
    public void Check(RequestUser user, ResourceType t, string? ns, JsonObject obj)
    {
        if (user.IsMaster || t.Group != ResourceRegistry.RbacGroup)
        {
            return;
        }

        var name = ObjectStore.Name(obj);
        switch (t.Plural)
        {
            case "roles" or "clusterroles":
                var scope = t.Plural == "roles" ? ns : null;
                if (!authorizer.Allows(user, new RequestAttributes("escalate", t.Group, t.Plural, null, scope, name)))
                {
                    Require(user, t, name, obj["rules"] as JsonArray, scope);
                }

                break;
            case "rolebindings" or "clusterrolebindings":
                var kind = Text(obj["roleRef"]?["kind"]);
                var roleName = Text(obj["roleRef"]?["name"]) ?? "";
                var roleResource = kind == "ClusterRole" ? "clusterroles" : "roles";
                var where = t.Plural == "rolebindings" ? ns : null;
                if (!authorizer.Allows(user, new RequestAttributes("bind", t.Group, roleResource, null, where, roleName)))
                {
                    Require(user, t, name, RoleRules(roleResource, where, roleName), where);
                }

                break;
        }
    }

    /// <summary>Refuses unless every permission of <paramref name="rules"/> is one <paramref name="user"/> holds in <paramref name="ns"/>.</summary>
    private void Require(RequestUser user, ResourceType t, string name, JsonArray? rules, string? ns)
    {
        var missing = (rules ?? []).OfType<JsonObject>().Where(rule => !Permissions(rule, ns).All(p => authorizer.Allows(user, p))).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var groups = string.Join(" ", user.Groups.Select(g => $"\"{g}\""));
        var held = string.Join("\n", missing.Select(Describe));
        throw new ApiException(403, "Forbidden",
            $"{t.Plural}.{t.Group} \"{name}\" is forbidden: user \"{user.Name}\" (groups=[{groups}]) is attempting to grant RBAC permissions not currently held:\n{held}",
            new JsonObject { ["name"] = name, ["group"] = t.Group, ["kind"] = t.Plural });
    }

    /// <summary>
    /// One request per verb x group x resource x name of a rule. A wildcard is asked as itself, so only a wildcard
    /// of the holder's covers it, and a rule without resourceNames only by a holder's rule without them.
    /// </summary>
    private static IEnumerable<RequestAttributes> Permissions(JsonObject rule, string? ns)
    {
        var verbs = Texts(rule["verbs"]);
        if (rule["nonResourceURLs"] is JsonArray urls && urls.Count > 0)
        {
            foreach (var verb in verbs)
            {
                foreach (var url in Texts(urls))
                {
                    yield return RequestAttributes.NonResource(verb, url);
                }
            }

            yield break;
        }

        var names = Texts(rule["resourceNames"]);
        foreach (var verb in verbs)
        {
            foreach (var group in Texts(rule["apiGroups"]))
            {
                foreach (var resource in Texts(rule["resources"]))
                {
                    var (plural, sub) = resource.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (resource[..slash], resource[(slash + 1)..]) : (resource, null);
                    if (names.Count == 0)
                    {
                        yield return new RequestAttributes(verb, group, plural, sub, ns, null);
                    }

                    foreach (var n in names)
                    {
                        yield return new RequestAttributes(verb, group, plural, sub, ns, n);
                    }
                }
            }
        }
    }

    /// <summary>The referenced role's rules; as kube-apiserver, a missing role is a 404 for a writer without <c>bind</c>.</summary>
    private JsonArray? RoleRules(string roleResource, string? ns, string roleName)
    {
        var type = registry.Find(ResourceRegistry.RbacGroup, "v1", roleResource)!;
        return store.Get(type, roleResource == "roles" ? ns ?? "" : "", roleName)["rules"] as JsonArray;
    }

    private static string Describe(JsonObject rule)
    {
        static string List(JsonNode? n) => string.Join(",", Texts(n).Select(s => $"\"{s}\""));
        return rule["nonResourceURLs"] is JsonArray { Count: > 0 } urls
            ? $"{{NonResourceURLs:[{List(urls)}], Verbs:[{List(rule["verbs"])}]}}"
            : $"{{APIGroups:[{List(rule["apiGroups"])}], Resources:[{List(rule["resources"])}]{(rule["resourceNames"] is JsonArray { Count: > 0 } rn ? $", ResourceNames:[{List(rn)}]" : "")}, Verbs:[{List(rule["verbs"])}]}}";
    }

    private static List<string> Texts(JsonNode? list) => [.. (list as JsonArray ?? []).Select(Text).OfType<string>()];

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
