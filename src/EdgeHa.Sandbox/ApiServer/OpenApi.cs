using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// A minimal OpenAPI v3 surface: the root index and, per group version, the PATCH operations with their
/// group-version-kind and the <c>fieldValidation</c> parameter. That tells kubectl the server validates fields
/// itself, so <c>kubectl apply/create -f</c> work without <c>--validate=false</c>. No schemas are published,
/// so kubectl falls back to its compiled-in patch metadata for built-in kinds and merge patches for CRs.
/// </summary>
internal static class OpenApi
{
    public static JsonObject Root(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var gv in registry.All().Select(t => t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}").Distinct())
        {
            paths[gv] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv}?hash={Hash(registry, gv)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(ResourceRegistry registry, string gvPath)
    {
        var types = registry.All().Where(t => (t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}") == gvPath).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var t in types)
        {
            var prefix = "/" + gvPath + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural + "/{name}";
            paths[prefix] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{t.Kind}",
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (edgeha sandbox)", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    // Changes whenever the served kinds change, so kubectl's cache of the document is refreshed.
    private static string Hash(ResourceRegistry registry, string gv) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(gv + string.Join(',', registry.All().Select(t => t.StorageKey + t.Kind)))))[..16];
}
