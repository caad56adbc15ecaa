using System.Text.Json.Nodes;

namespace EdgeHa.Demo.Scenario;

/// <summary>A RedundantPair to apply, with the fields the script needs read out of it.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Namespace">metadata.namespace (default "default").</param>
/// <param name="Hot">spec.standbyMode is Hot.</param>
/// <param name="PrimaryNode">spec.primaryNode.</param>
/// <param name="StandbyNode">spec.standbyNode.</param>
/// <param name="VipAddress">spec.vip.address.</param>
/// <param name="VipPort">The VIP port that reaches the collector's HTTP port.</param>
/// <param name="FailbackStabilization">spec.failover.failbackStabilizationSeconds.</param>
/// <param name="Object">The whole object as JSON.</param>
public sealed record PairManifest(string Name, string Namespace, bool Hot, string PrimaryNode, string StandbyNode, string VipAddress, int VipPort, TimeSpan FailbackStabilization, JsonObject Object)
{
    public string Mode => Hot ? "hot" : "cold";

    /// <summary>spec.fencing.renewIntervalMilliseconds, when set: how often the active records its published sequence in the Lease.</summary>
    public TimeSpan? RenewInterval => Int(Object["spec"]?["fencing"]?["renewIntervalMilliseconds"]) is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Reads the script's fields from a RedundantPair object; throws <see cref="FormatException"/> naming a missing field.</summary>
    public static PairManifest FromObject(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj["kind"]?.GetValue<string>() != "RedundantPair")
        {
            throw new FormatException("the manifest is not a RedundantPair (kind)");
        }

        string Text(JsonNode? node, string field) =>
            node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : throw new FormatException($"the RedundantPair has no {field}");

        var spec = obj["spec"] as JsonObject ?? throw new FormatException("the RedundantPair has no spec");
        var vip = spec["vip"] as JsonObject ?? throw new FormatException("the demo needs spec.vip (the demo reads data through it)");
        var ports = vip["ports"] as JsonArray ?? throw new FormatException("the RedundantPair has no spec.vip.ports");
        var port = ports.OfType<JsonObject>().FirstOrDefault(p => p["name"]?.GetValue<string>() == "http") ?? ports.OfType<JsonObject>().FirstOrDefault()
            ?? throw new FormatException("the RedundantPair has no spec.vip.ports entry");
        var stabilization = Int(spec["failover"]?["failbackStabilizationSeconds"]) ?? 30;
        return new PairManifest(
            Text(obj["metadata"]?["name"], "metadata.name"),
            obj["metadata"]?["namespace"] is JsonValue ns && ns.TryGetValue<string>(out var n) && n.Length > 0 ? n : "default",
            spec["standbyMode"]?.GetValue<string>() == "Hot",
            Text(spec["primaryNode"], "spec.primaryNode"),
            Text(spec["standbyNode"], "spec.standbyNode"),
            Text(vip["address"], "spec.vip.address"),
            Int(port["port"]) ?? throw new FormatException("spec.vip.ports[].port is missing"),
            TimeSpan.FromSeconds(stabilization),
            obj);
    }

    /// <summary>An integer however the JSON was built (parsed, or from YAML as a long).</summary>
    private static int? Int(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => null,
    };
}
