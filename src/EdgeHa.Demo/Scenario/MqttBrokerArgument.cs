using System.Text.Json.Nodes;

namespace EdgeHa.Demo.Scenario;

/// <summary>
/// Points the pair's collectors at the demo's broker: <c>--mqtt-broker URL</c> appended to every container of the
/// collector image, in the demo's copy of the manifest (the sample YAML stays usable as it is, without a broker). The
/// collector takes a repeated flag's last value, so the appended one overrides a broker the manifest already names.
/// </summary>
public static class MqttBrokerArgument
{
    public const string Flag = "--mqtt-broker";

    /// <summary>Appends the flag to the containers whose image is <paramref name="image"/> (any tag); returns how many.</summary>
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

            args.Add(Flag);
            args.Add(url);
            set++;
        }

        return set;
    }
}
