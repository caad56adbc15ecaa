using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Strategic merge patch for built-in kinds, with the merge keys of the Kubernetes types kubectl patches
/// (containers by name, container ports by containerPort, conditions by type, ...). Supports the
/// directives kubectl sends: <c>$patch: replace|delete</c>, <c>$retainKeys</c>,
/// <c>$deleteFromPrimitiveList/</c>, and ignores <c>$setElementOrder/</c>.
/// </summary>
internal static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["imagePullSecrets"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["conditions"] = "type",
        ["addresses"] = "type",
        ["ownerReferences"] = "uid",
        ["taints"] = "key",
        ["topologySpreadConstraints"] = "topologyKey",
        ["hostAliases"] = "ip",
        ["ports"] = "port",
    };

    private static readonly HashSet<string> PrimitiveSetLists = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonNode? Apply(JsonNode? original, JsonNode? patch) => ApplyNode(original, patch);

    private static JsonNode? ApplyNode(JsonNode? original, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        var directive = p["$patch"]?.GetValue<string>();
        if (directive == "replace")
        {
            return StripDirectives(p);
        }

        if (directive == "delete")
        {
            return null;
        }

        var result = original is JsonObject o ? o.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key is "$retainKeys" or "$patch")
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var r in remove)
                    {
                        var hit = list.FirstOrDefault(e => JsonNode.DeepEquals(e, r));
                        if (hit is not null)
                        {
                            list.Remove(hit);
                        }
                    }
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray patchList)
            {
                result[key] = MergeList(result[key] as JsonArray, patchList, key);
            }
            else
            {
                var merged = ApplyNode(result[key], value);
                if (merged is null)
                {
                    result.Remove(key);
                }
                else
                {
                    result[key] = merged;
                }
            }
        }

        if (p["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var key in result.Select(kv => kv.Key).ToList())
            {
                if (!keep.Contains(key))
                {
                    result.Remove(key);
                }
            }
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, string field)
    {
        if (PrimitiveSetLists.Contains(field))
        {
            var union = original?.DeepClone().AsArray() ?? [];
            foreach (var item in patch)
            {
                if (!union.Any(e => JsonNode.DeepEquals(e, item)))
                {
                    union.Add(item?.DeepClone());
                }
            }

            return union;
        }

        var key = KeyFor(field, patch);
        if (key is null || original is null || patch.Any(e => e is JsonObject o && o["$patch"]?.GetValue<string>() == "replace"))
        {
            // Lists without a merge key are replaced atomically, as the real types declare.
            return new JsonArray(patch.Where(e => !(e is JsonObject o && o["$patch"] is not null)).Select(e => StripDirectives(e)).ToArray());
        }

        var result = original.DeepClone().AsArray();
        foreach (var item in patch)
        {
            if (item is not JsonObject element)
            {
                continue;
            }

            var id = element[key];
            var index = result.Select((e, i) => (e, i)).FirstOrDefault(x => x.e is JsonObject eo && JsonNode.DeepEquals(eo[key], id), (null!, -1)).Item2;
            if (element["$patch"]?.GetValue<string>() == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                result[index] = ApplyNode(result[index], element);
            }
            else
            {
                result.Add(StripDirectives(element));
            }
        }

        return result;
    }

    private static string? KeyFor(string field, JsonArray patch)
    {
        if (field == "ports" && patch.OfType<JsonObject>().Any(e => e.ContainsKey("containerPort")))
        {
            return "containerPort";
        }

        return MergeKeys.TryGetValue(field, out var key) ? key : null;
    }

    private static JsonNode? StripDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    if (!k.StartsWith('$'))
                    {
                        copy[k] = StripDirectives(v);
                    }
                }

                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(StripDirectives).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
