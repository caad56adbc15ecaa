using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>), which is what
/// <c>kubectl get</c> asks for: CRDs print their additionalPrinterColumns, built-in kinds a few columns.
/// </summary>
internal sealed partial class TableConverter
{
    private readonly TimeProvider _time;

    public TableConverter(TimeProvider time) => _time = time;

    public static bool WantsTable(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public JsonObject Convert(ResourceType t, IEnumerable<JsonObject> objects, string resourceVersion, string? continueToken, string? includeObject)
    {
        var columns = Columns(t);
        var definitions = new JsonArray();
        foreach (var c in columns)
        {
            definitions.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            });
        }

        var rows = new JsonArray();
        foreach (var o in objects)
        {
            var cells = new JsonArray();
            foreach (var c in columns)
            {
                cells.Add(Cell(o, c));
            }

            var row = new JsonObject { ["cells"] = cells };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = o.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = o["metadata"]?.DeepClone() };
                    break;
            }

            rows.Add(row);
        }

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (continueToken is not null)
        {
            metadata["continue"] = continueToken;
        }

        return new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata, ["columnDefinitions"] = definitions, ["rows"] = rows };
    }

    private JsonNode? Cell(JsonObject o, Column c)
    {
        var value = Evaluate(o, c.JsonPath);
        if (c.Type == "date")
        {
            return value is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                ? Age(_time.GetUtcNow() - when)
                : "<unknown>";
        }

        return value switch
        {
            null => c.Type is "integer" or "number" ? null : "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v => v.DeepClone(),
            _ => value.ToJsonString(),
        };
    }

    /// <summary>A human age as kubectl prints it: 45s, 5m10s, 3h, 2d.</summary>
    internal static string Age(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
        {
            return "0s";
        }

        var s = (long)d.TotalSeconds;
        if (s < 120)
        {
            return $"{s}s";
        }

        var m = s / 60;
        if (m < 10)
        {
            return s % 60 == 0 ? $"{m}m" : $"{m}m{s % 60}s";
        }

        if (m < 180)
        {
            return $"{m}m";
        }

        var h = m / 60;
        if (h < 8)
        {
            return m % 60 == 0 ? $"{h}h" : $"{h}h{m % 60}m";
        }

        if (h < 48)
        {
            return $"{h}h";
        }

        var days = h / 24;
        return days < 8 && h % 24 != 0 ? $"{days}d{h % 24}h" : $"{days}d";
    }

    /// <summary>The JSONPath subset printer columns use: <c>.a.b</c>, <c>[n]</c>, <c>[?(@.k=="v")]</c>.</summary>
    internal static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var node = root;
        var trimmed = path.Trim().TrimStart('{').TrimEnd('}');
        foreach (Match m in PathToken().Matches(trimmed))
        {
            if (node is null)
            {
                return null;
            }

            if (m.Groups["field"].Success)
            {
                node = node is JsonObject o ? o[m.Groups["field"].Value] : null;
            }
            else if (m.Groups["index"].Success)
            {
                var i = int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture);
                node = node is JsonArray a && i < a.Count ? a[i] : null;
            }
            else if (m.Groups["fkey"].Success)
            {
                var key = m.Groups["fkey"].Value;
                var want = m.Groups["fval"].Value;
                node = node is JsonArray a
                    ? a.FirstOrDefault(e => e is JsonObject eo && eo[key] is JsonValue v && v.ToString() == want)
                    : null;
            }
        }

        return node;
    }

    private static List<Column> Columns(ResourceType t)
    {
        var name = new Column("Name", "string", "name", "Name must be unique within a namespace.", 0, ".metadata.name");
        var age = new Column("Age", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, ".metadata.creationTimestamp");
        if (t.IsCustom)
        {
            if (t.PrinterColumns.Count == 0)
            {
                return [name, age];
            }

            return [name, .. t.PrinterColumns.Select(c => new Column(
                c["name"]?.GetValue<string>() ?? "",
                c["type"]?.GetValue<string>() ?? "string",
                c["format"]?.GetValue<string>() ?? "",
                c["description"]?.GetValue<string>() ?? "",
                c["priority"] is { } priority ? (int)JsonNumbers.AsLong(priority) : 0,
                c["jsonPath"]?.GetValue<string>() ?? ""))];
        }

        return t.StorageKey switch
        {
            ObjectStore.NamespacesKey => [name, new("Status", "string", "", "The phase of the namespace.", 0, ".status.phase"), age],
            "/nodes" => [name, new("Status", "string", "", "The Ready condition of the node.", 0, ".status.conditions[?(@.type==\"Ready\")].status"), age, new("Version", "string", "", "Kubelet version.", 0, ".status.nodeInfo.kubeletVersion")],
            "/pods" => [name, new("Status", "string", "", "The phase of the pod.", 0, ".status.phase"), new("Node", "string", "", "The node the pod runs on.", 1, ".spec.nodeName"), age],
            "/services" => [name, new("Type", "string", "", "The type of the service.", 0, ".spec.type"), new("Cluster-IP", "string", "", "The cluster IP.", 0, ".spec.clusterIP"), age],
            "apps/deployments" => [name, new("Replicas", "integer", "", "Desired replicas.", 0, ".spec.replicas"), new("Available", "integer", "", "Available replicas.", 0, ".status.availableReplicas"), age],
            "coordination.k8s.io/leases" => [name, new("Holder", "string", "", "The holder of the lease.", 0, ".spec.holderIdentity"), age],
            "/events" when t.Group.Length == 0 => [new("Type", "string", "", "Normal or Warning.", 0, ".type"), new("Reason", "string", "", "Why the event happened.", 0, ".reason"), new("Object", "string", "", "The object the event is about.", 0, ".involvedObject.name"), new("Message", "string", "", "What happened.", 0, ".message"), name, age],
            "/events" => [new("Type", "string", "", "Normal or Warning.", 0, ".type"), new("Reason", "string", "", "Why the event happened.", 0, ".reason"), new("Object", "string", "", "The object the event is about.", 0, ".regarding.name"), new("Note", "string", "", "What happened.", 0, ".note"), name, age],
            _ => [name, age],
        };
    }

    private sealed record Column(string Name, string Type, string Format, string Description, int Priority, string JsonPath);

    [GeneratedRegex("""\.(?<field>[A-Za-z0-9_\-/]+)|\[(?<index>[0-9]+)\]|\[\?\(@\.(?<fkey>[A-Za-z0-9_]+)==["'](?<fval>[^"']*)["']\)\]""")]
    private static partial Regex PathToken();
}
