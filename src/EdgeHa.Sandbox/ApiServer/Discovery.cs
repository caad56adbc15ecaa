using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>The legacy (non-aggregated) discovery documents; kubectl falls back to them from aggregated discovery.</summary>
internal static class Discovery
{
    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-edgeha-sandbox",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.4",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry registry)
    {
        var groups = new JsonArray();
        foreach (var (group, versions) in registry.Groups())
        {
            groups.Add(Group(group, versions));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? GroupDocument(ResourceRegistry registry, string group)
    {
        var match = registry.Groups().FirstOrDefault(g => g.Group == group);
        if (match.Group is null)
        {
            return null;
        }

        var doc = Group(group, match.Versions);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    public static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var types = registry.All().Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray((t.Verbs ?? AllVerbs).Select(v => (JsonNode?)v).ToArray()),
            };
            if (t.ShortNames.Count > 0)
            {
                r["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode?)s).ToArray());
            }

            if (t.Categories.Count > 0)
            {
                r["categories"] = new JsonArray(t.Categories.Select(s => (JsonNode?)s).ToArray());
            }

            resources.Add(r);
            if (t.HasScale)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/scale",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }

            if (t.HasToken)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/token",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["group"] = "authentication.k8s.io",
                    ["version"] = "v1",
                    ["kind"] = "TokenRequest",
                    ["verbs"] = new JsonArray("create"),
                });
            }

            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Group(string group, IReadOnlyList<string> versions)
    {
        var list = new JsonArray();
        foreach (var v in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v });
        }

        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }
}
