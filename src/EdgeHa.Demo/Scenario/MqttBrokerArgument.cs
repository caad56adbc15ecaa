using System.Text.Json.Nodes;

namespace EdgeHa.Demo.Scenario;

/// <summary>
/// Points the pair's collectors at the demo's broker: <c>--mqtt-broker URL</c> on every container of the collector
/// image, in the demo's copy of the manifest (the sample YAML stays usable as it is, without a broker).
/// </summary>
public static class MqttBrokerArgument
{
    public const string Flag = "--mqtt-broker";

    /// <summary>Sets the flag (replacing a value already there) on the containers whose image is <paramref name="image"/> (any tag); returns how many.</summary>
    public static int Set(JsonObject pair, string image, Uri broker)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(broker);
        var containers = pair["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? throw new FormatException("the RedundantPair has no spec.template.spec.containers");
        var url = broker.GetLeftPart(UriPartial.Authority);
        var set = 0;
        foreach (var container in containers.OfType<JsonObject>())
        {
            if (container["image"] is not JsonValue v || !v.TryGetValue<string>(out var name) || !(name == image || name.StartsWith(image + ":", StringComparison.Ordinal)))
            {
                continue;
            }

            if (container["args"] is not JsonArray args)
            {
                args = [];
                container["args"] = args;
            }

            var at = args.Select(a => a is JsonValue s && s.TryGetValue<string>(out var t) ? t : null).ToList().IndexOf(Flag);
            if (at >= 0 && at + 1 < args.Count)
            {
                args[at + 1] = url;
            }
            else if (at >= 0)
            {
                args.Add(url);
            }
            else
            {
                args.Add(Flag);
                args.Add(url);
            }

            set++;
        }

        return set;
    }
}
