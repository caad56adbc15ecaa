namespace EdgeHa.Kube.Models;

/// <summary>core/v1 ConfigMap.</summary>
[KubernetesResource("", "v1", "configmaps", "ConfigMap")]
public sealed class ConfigMap : KubernetesObject
{
    public ConfigMap() => (ApiVersion, Kind) = ("v1", "ConfigMap");

    public IDictionary<string, string>? Data { get; set; }

    /// <summary>Base64 values.</summary>
    public IDictionary<string, string>? BinaryData { get; set; }

    public bool? Immutable { get; set; }
}
