using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube;

/// <summary>The patch formats the API server accepts.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (application/merge-patch+json): null deletes a field, lists are replaced.</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch (application/json-patch+json): a list of operations.</summary>
    Json,

    /// <summary>Kubernetes strategic merge patch (application/strategic-merge-patch+json): built-in kinds only.</summary>
    StrategicMerge,
}

/// <summary>A patch body with its type. Build one with <see cref="Merge(object)"/>, <see cref="Json(JsonArray)"/> or <see cref="StrategicMerge(object)"/>.</summary>
public sealed record KubePatch(PatchType Type, string Content)
{
    /// <summary>The Content-Type the server expects for this patch.</summary>
    public string ContentType => ContentTypeOf(Type);

    /// <summary>A merge patch. Pass a <see cref="JsonNode"/> to express deletions with explicit nulls; other values are serialized with <see cref="KubeJson.Options"/> (nulls omitted).</summary>
    public static KubePatch Merge(object patch) => new(PatchType.Merge, ToJson(patch));

    /// <summary>A strategic merge patch (built-in kinds only).</summary>
    public static KubePatch StrategicMerge(object patch) => new(PatchType.StrategicMerge, ToJson(patch));

    /// <summary>A JSON patch from an array of operations such as <c>{"op":"replace","path":"/spec/replicas","value":1}</c>.</summary>
    public static KubePatch Json(JsonArray operations) => new(PatchType.Json, operations.ToJsonString());

    /// <summary>A JSON patch from operations.</summary>
    public static KubePatch Json(params JsonPatchOperation[] operations) => new(PatchType.Json, KubeJson.Serialize(operations));

    public static string ContentTypeOf(PatchType type) => type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string ToJson(object patch) => patch switch
    {
        string s => s,
        JsonNode node => node.ToJsonString(),
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(patch, patch.GetType(), KubeJson.Options),
    };
}

/// <summary>One RFC 6902 operation. Op is add, remove, replace, move, copy or test; Path is a JSON pointer ("/metadata/labels/app").</summary>
public sealed record JsonPatchOperation(string Op, string Path, JsonNode? Value = null, string? From = null)
{
    /// <summary>Escapes a key for use in a JSON pointer ("~" -> "~0", "/" -> "~1").</summary>
    public static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
