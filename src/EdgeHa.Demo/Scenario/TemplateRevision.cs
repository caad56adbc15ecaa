using System.Text.Json.Nodes;

namespace EdgeHa.Demo.Scenario;

/// <summary>
/// The demo's stand-in for an image upgrade: an env var on every container of the pair's collector template. Any
/// change of the template's containers is a new version to the operator, rolled like a new image.
/// </summary>
public static class TemplateRevision
{
    public const string EnvName = "DEMO_REVISION";

    /// <summary>Sets <see cref="EnvName"/> to <paramref name="revision"/> on every container of spec.template; throws naming a missing field.</summary>
    public static void Set(JsonObject pair, string revision)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var containers = pair["spec"]?["template"]?["spec"]?["containers"] as JsonArray;
        if (containers is null || containers.Count == 0)
        {
            throw new FormatException("the RedundantPair has no spec.template.spec.containers");
        }

        foreach (var container in containers.OfType<JsonObject>())
        {
            if (container["env"] is not JsonArray env)
            {
                env = [];
                container["env"] = env;
            }

            var entry = env.OfType<JsonObject>().FirstOrDefault(e => e["name"] is JsonValue n && n.TryGetValue<string>(out var s) && s == EnvName);
            if (entry is null)
            {
                env.Add(new JsonObject { ["name"] = EnvName, ["value"] = revision });
            }
            else
            {
                entry["value"] = revision;
            }
        }
    }
}
