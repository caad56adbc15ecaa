using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test, applied atomically.</summary>
internal static class JsonPatch
{
    /// <summary>Applies the operations to a copy; a malformed document is a 400, a failed operation a 422.</summary>
    public static JsonNode Apply(JsonNode target, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw ApiException.BadRequest("json patch document must be a JSON array of operations");
        }

        var doc = target.DeepClone();
        foreach (var item in ops)
        {
            if (item is not JsonObject op || op["op"]?.GetValue<string>() is not { } name || op["path"]?.GetValue<string>() is not { } path)
            {
                throw ApiException.BadRequest("each json patch operation needs \"op\" and \"path\"");
            }

            switch (name)
            {
                case "add":
                    doc = Add(doc, path, Value(op));
                    break;
                case "remove":
                    doc = Remove(doc, path, out _);
                    break;
                case "replace":
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, Value(op));
                    break;
                case "move":
                    doc = Remove(doc, From(op), out var moved);
                    doc = Add(doc, path, moved);
                    break;
                case "copy":
                    doc = Add(doc, path, Get(doc, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), Value(op)))
                    {
                        throw Failed($"testing value {path} failed");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"unexpected json patch operation \"{name}\"");
            }
        }

        return doc;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw ApiException.BadRequest("json patch operation is missing \"value\"");

    private static string From(JsonObject op) =>
        op["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch operation is missing \"from\"");

    private static ApiException Failed(string message) => new(422, "Invalid", $"the server rejected our request due to an error in our request: {message}");

    private static List<string> Tokens(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw ApiException.BadRequest($"json patch path \"{path}\" must start with '/'");
        }

        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var token in Tokens(path))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw Failed($"path {path} does not exist"),
            };
        }

        return node;
    }

    private static (JsonNode? Parent, string Last) Parent(JsonNode doc, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0)
        {
            return (null, "");
        }

        var parentPath = "/" + string.Join('/', tokens.Take(tokens.Count - 1).Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        return (tokens.Count == 1 ? doc : Get(doc, parentPath), tokens[^1]);
    }

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case null when path.Length == 0:
                return value ?? throw Failed("cannot replace the document with null");
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count)
                {
                    a.Insert(i, value);
                }
                else
                {
                    throw Failed($"index {last} out of bounds in {path}");
                }

                break;
            default:
                throw Failed($"path {path} does not exist");
        }

        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last];
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw Failed($"path {path} does not exist");
        }

        return doc;
    }
}
