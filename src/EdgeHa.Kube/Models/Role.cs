using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>rbac.authorization.k8s.io/v1 Role: namespaced permissions.</summary>
[KubernetesResource("rbac.authorization.k8s.io", "v1", "roles", "Role")]
public sealed class Role : KubernetesObject
{
    public Role() => (ApiVersion, Kind) = ("rbac.authorization.k8s.io/v1", "Role");

    public IList<PolicyRule>? Rules { get; set; }
}

/// <summary>One rule of a Role: verbs on resources of API groups, optionally only on the named objects.</summary>
public sealed class PolicyRule
{
    public IList<string>? ApiGroups { get; set; }

    public IList<string>? Resources { get; set; }

    public IList<string>? Verbs { get; set; }

    public IList<string>? ResourceNames { get; set; }

    public IList<string>? NonResourceURLs { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
