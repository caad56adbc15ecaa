using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>core/v1 Namespace.</summary>
[KubernetesResource("", "v1", "namespaces", "Namespace", namespaced: false)]
public sealed class Namespace : KubernetesObject
{
    public Namespace() => (ApiVersion, Kind) = ("v1", "Namespace");

    public NamespaceStatus? Status { get; set; }
}

public sealed class NamespaceStatus
{
    /// <summary>Active or Terminating.</summary>
    public string? Phase { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
