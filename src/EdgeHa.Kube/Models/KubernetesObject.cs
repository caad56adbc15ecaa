using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>The envelope every Kubernetes object shares. Fields we do not model survive a read-modify-write in <see cref="Extra"/>.</summary>
public class KubernetesObject
{
    [JsonPropertyOrder(-3)]
    public string? ApiVersion { get; set; }

    [JsonPropertyOrder(-2)]
    public string? Kind { get; set; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
