using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Decodes the Kubernetes protobuf envelope (<c>k8s\0</c> + runtime.Unknown) for the few built-in kinds kubectl
/// creates through typed clients (<c>kubectl create namespace|deployment|configmap|secret|serviceaccount|role|rolebinding|token</c>,
/// <c>kubectl auth can-i</c>), using a small table
/// of the generated.proto field numbers. Other kinds answer 415, and every response is JSON, which kubectl accepts.
/// </summary>
internal static class ProtobufDecoder
{
    private enum K
    {
        Str, Bytes, Int, Bool, Msg, MapStr, MapBytes, MapQty, RepStr, RepMsg, Time, IntOrStr,
    }

    private sealed record F(string Name, K Kind, string? Msg = null);

    // Field numbers from k8s.io/api and apimachinery generated.proto.
    private static readonly Dictionary<string, Dictionary<int, F>> Messages = new(StringComparer.Ordinal)
    {
        ["ObjectMeta"] = new()
        {
            [1] = new("name", K.Str),
            [2] = new("generateName", K.Str),
            [3] = new("namespace", K.Str),
            [5] = new("uid", K.Str),
            [6] = new("resourceVersion", K.Str),
            [7] = new("generation", K.Int),
            [8] = new("creationTimestamp", K.Time),
            [11] = new("labels", K.MapStr),
            [12] = new("annotations", K.MapStr),
            [13] = new("ownerReferences", K.RepMsg, "OwnerReference"),
            [14] = new("finalizers", K.RepStr),
        },
        ["OwnerReference"] = new()
        {
            [1] = new("kind", K.Str),
            [3] = new("name", K.Str),
            [4] = new("uid", K.Str),
            [5] = new("apiVersion", K.Str),
            [6] = new("controller", K.Bool),
            [7] = new("blockOwnerDeletion", K.Bool),
        },
        ["Namespace"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("spec", K.Msg, "NamespaceSpec") },
        ["NamespaceSpec"] = new() { [1] = new("finalizers", K.RepStr) },
        ["ConfigMap"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("data", K.MapStr), [3] = new("binaryData", K.MapBytes), [4] = new("immutable", K.Bool) },
        ["Secret"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("data", K.MapBytes), [3] = new("type", K.Str), [4] = new("stringData", K.MapStr), [5] = new("immutable", K.Bool) },
        ["Deployment"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("spec", K.Msg, "DeploymentSpec") },
        ["DeploymentSpec"] = new()
        {
            [1] = new("replicas", K.Int),
            [2] = new("selector", K.Msg, "LabelSelector"),
            [3] = new("template", K.Msg, "PodTemplateSpec"),
            [4] = new("strategy", K.Msg, "DeploymentStrategy"),
            [5] = new("minReadySeconds", K.Int),
            [6] = new("revisionHistoryLimit", K.Int),
            [7] = new("paused", K.Bool),
            [9] = new("progressDeadlineSeconds", K.Int),
        },
        ["DeploymentStrategy"] = new() { [1] = new("type", K.Str) },
        ["LabelSelector"] = new() { [1] = new("matchLabels", K.MapStr), [2] = new("matchExpressions", K.RepMsg, "LabelSelectorRequirement") },
        ["LabelSelectorRequirement"] = new() { [1] = new("key", K.Str), [2] = new("operator", K.Str), [3] = new("values", K.RepStr) },
        ["PodTemplateSpec"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("spec", K.Msg, "PodSpec") },
        ["PodSpec"] = new()
        {
            [2] = new("containers", K.RepMsg, "Container"),
            [3] = new("restartPolicy", K.Str),
            [4] = new("terminationGracePeriodSeconds", K.Int),
            [7] = new("nodeSelector", K.MapStr),
            [8] = new("serviceAccountName", K.Str),
            [10] = new("nodeName", K.Str),
            [20] = new("initContainers", K.RepMsg, "Container"),
        },
        ["Container"] = new()
        {
            [1] = new("name", K.Str),
            [2] = new("image", K.Str),
            [3] = new("command", K.RepStr),
            [4] = new("args", K.RepStr),
            [5] = new("workingDir", K.Str),
            [6] = new("ports", K.RepMsg, "ContainerPort"),
            [7] = new("env", K.RepMsg, "EnvVar"),
            [8] = new("resources", K.Msg, "ResourceRequirements"),
            [13] = new("terminationMessagePath", K.Str),
            [14] = new("imagePullPolicy", K.Str),
        },
        ["ContainerPort"] = new() { [1] = new("name", K.Str), [2] = new("hostPort", K.Int), [3] = new("containerPort", K.Int), [4] = new("protocol", K.Str) },
        ["EnvVar"] = new() { [1] = new("name", K.Str), [2] = new("value", K.Str) },
        ["ResourceRequirements"] = new() { [1] = new("limits", K.MapQty), [2] = new("requests", K.MapQty) },

        // kubectl create serviceaccount|role|rolebinding|token and kubectl auth can-i.
        ["ServiceAccount"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [4] = new("automountServiceAccountToken", K.Bool) },
        ["Role"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("rules", K.RepMsg, "PolicyRule") },
        ["ClusterRole"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("rules", K.RepMsg, "PolicyRule") },
        ["PolicyRule"] = new() { [1] = new("verbs", K.RepStr), [2] = new("apiGroups", K.RepStr), [3] = new("resources", K.RepStr), [4] = new("resourceNames", K.RepStr), [5] = new("nonResourceURLs", K.RepStr) },
        ["RoleBinding"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("subjects", K.RepMsg, "Subject"), [3] = new("roleRef", K.Msg, "RoleRef") },
        ["ClusterRoleBinding"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("subjects", K.RepMsg, "Subject"), [3] = new("roleRef", K.Msg, "RoleRef") },
        ["Subject"] = new() { [1] = new("kind", K.Str), [2] = new("apiGroup", K.Str), [3] = new("name", K.Str), [4] = new("namespace", K.Str) },
        ["RoleRef"] = new() { [1] = new("apiGroup", K.Str), [2] = new("kind", K.Str), [3] = new("name", K.Str) },
        ["SelfSubjectAccessReview"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("spec", K.Msg, "SelfSubjectAccessReviewSpec") },
        ["SelfSubjectAccessReviewSpec"] = new() { [1] = new("resourceAttributes", K.Msg, "ResourceAttributes"), [2] = new("nonResourceAttributes", K.Msg, "NonResourceAttributes") },
        ["ResourceAttributes"] = new()
        {
            [1] = new("namespace", K.Str),
            [2] = new("verb", K.Str),
            [3] = new("group", K.Str),
            [4] = new("version", K.Str),
            [5] = new("resource", K.Str),
            [6] = new("subresource", K.Str),
            [7] = new("name", K.Str),
        },
        ["NonResourceAttributes"] = new() { [1] = new("path", K.Str), [2] = new("verb", K.Str) },
        ["TokenRequest"] = new() { [1] = new("metadata", K.Msg, "ObjectMeta"), [2] = new("spec", K.Msg, "TokenRequestSpec") },
        ["TokenRequestSpec"] = new() { [1] = new("audiences", K.RepStr), [4] = new("expirationSeconds", K.Int) },
    };

    // The kinds a request body may carry; the other messages are parts of them.
    private static readonly HashSet<string> TopLevel = new(StringComparer.Ordinal)
    {
        "Namespace", "ConfigMap", "Secret", "Deployment", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "SelfSubjectAccessReview", "TokenRequest",
    };

    // Pointer fields whose zero value is meaningful and kept; other zero scalars are omitted as JSON omitempty does.
    private static readonly HashSet<string> KeepZero = new(StringComparer.Ordinal) { "replicas", "revisionHistoryLimit", "progressDeadlineSeconds", "terminationGracePeriodSeconds", "containerPort" };

    public static bool IsProtobuf(string? contentType) => contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal) == true;

    /// <summary>Decodes an envelope to JSON; throws a 415 ApiException for kinds outside the table.</summary>
    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != (byte)'k' || body[1] != (byte)'8' || body[2] != (byte)'s' || body[3] != 0)
        {
            throw ApiException.BadRequest("protobuf body is missing the k8s envelope prefix");
        }

        string? apiVersion = null, kind = null;
        ReadOnlyMemory<byte> raw = default;
        foreach (var (num, wire, value, bytes) in Fields(body.AsMemory(4)))
        {
            if (num == 1 && wire == 2)
            {
                foreach (var (n, w, _, b) in Fields(bytes))
                {
                    if (w == 2 && n == 1)
                    {
                        apiVersion = Encoding.UTF8.GetString(b.Span);
                    }
                    else if (w == 2 && n == 2)
                    {
                        kind = Encoding.UTF8.GetString(b.Span);
                    }
                }
            }
            else if (num == 2 && wire == 2)
            {
                raw = bytes;
            }

            _ = value;
        }

        if (kind is null || !TopLevel.Contains(kind))
        {
            throw ApiException.UnsupportedMediaType($"the sandbox decodes protobuf only for {string.Join(", ", TopLevel)}, not {kind}; send application/json");
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (k, v) in Message(raw, kind))
        {
            obj[k] = v?.DeepClone();
        }

        return obj;
    }

    private static JsonObject Message(ReadOnlyMemory<byte> data, string type)
    {
        var schema = Messages[type];
        var obj = new JsonObject();
        foreach (var (num, wire, value, bytes) in Fields(data))
        {
            if (!schema.TryGetValue(num, out var f))
            {
                continue;
            }

            switch (f.Kind)
            {
                case K.Str when wire == 2:
                    var s = Encoding.UTF8.GetString(bytes.Span);
                    if (s.Length > 0)
                    {
                        obj[f.Name] = s;
                    }

                    break;
                case K.Int when wire == 0:
                    if (value != 0 || KeepZero.Contains(f.Name))
                    {
                        obj[f.Name] = (long)value;
                    }

                    break;
                case K.Bool when wire == 0:
                    if (value != 0)
                    {
                        obj[f.Name] = true;
                    }

                    break;
                case K.Msg when wire == 2:
                    var child = Message(bytes, f.Msg!);
                    if (child.Count > 0 || f.Name is "metadata" or "spec" or "template")
                    {
                        obj[f.Name] = child;
                    }

                    break;
                case K.RepMsg when wire == 2:
                    Array(obj, f.Name).Add(Message(bytes, f.Msg!));
                    break;
                case K.RepStr when wire == 2:
                    Array(obj, f.Name).Add(Encoding.UTF8.GetString(bytes.Span));
                    break;
                case K.MapStr or K.MapBytes or K.MapQty when wire == 2:
                    var (key, entry) = MapEntry(bytes, f.Kind);
                    if (obj[f.Name] is not JsonObject map)
                    {
                        map = new JsonObject();
                        obj[f.Name] = map;
                    }

                    map[key] = entry;
                    break;
                case K.Time when wire == 2:
                    long seconds = 0;
                    foreach (var (n, _, v, _) in Fields(bytes))
                    {
                        if (n == 1)
                        {
                            seconds = (long)v;
                        }
                    }

                    if (seconds != 0)
                    {
                        obj[f.Name] = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    }

                    break;
            }
        }

        return obj;
    }

    private static (string Key, JsonNode? Value) MapEntry(ReadOnlyMemory<byte> data, K kind)
    {
        var key = "";
        JsonNode? value = kind == K.MapBytes ? "" : "";
        foreach (var (n, _, _, b) in Fields(data))
        {
            if (n == 1)
            {
                key = Encoding.UTF8.GetString(b.Span);
            }
            else if (n == 2)
            {
                value = kind switch
                {
                    K.MapBytes => Convert.ToBase64String(b.Span),
                    K.MapQty => Fields(b).Where(x => x.Num == 1).Select(x => Encoding.UTF8.GetString(x.Bytes.Span)).FirstOrDefault() ?? "",
                    _ => Encoding.UTF8.GetString(b.Span),
                };
            }
        }

        return (key, value);
    }

    private static JsonArray Array(JsonObject obj, string name)
    {
        if (obj[name] is not JsonArray a)
        {
            a = [];
            obj[name] = a;
        }

        return a;
    }

    private static List<(int Num, int Wire, ulong Value, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> data)
    {
        var result = new List<(int, int, ulong, ReadOnlyMemory<byte>)>();
        var span = data.Span;
        var i = 0;
        while (i < span.Length)
        {
            var tag = Varint(span, ref i);
            var num = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    result.Add((num, wire, Varint(span, ref i), default));
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var len = (int)Varint(span, ref i);
                    if (len < 0 || i + len > span.Length)
                    {
                        throw ApiException.BadRequest("protobuf body is truncated");
                    }

                    result.Add((num, wire, 0, data.Slice(i, len)));
                    i += len;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw ApiException.BadRequest($"protobuf body has an unsupported wire type {wire}");
            }
        }

        return result;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= span.Length)
            {
                throw ApiException.BadRequest("protobuf body is truncated");
            }

            var b = span[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw ApiException.BadRequest("protobuf varint is too long");
    }
}
