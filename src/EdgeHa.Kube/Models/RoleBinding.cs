using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>rbac.authorization.k8s.io/v1 RoleBinding: grants a Role (or ClusterRole) to subjects in one namespace. Its roleRef is immutable.</summary>
[KubernetesResource("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding")]
public sealed class RoleBinding : KubernetesObject
{
    public RoleBinding() => (ApiVersion, Kind) = ("rbac.authorization.k8s.io/v1", "RoleBinding");

    public RoleRef? RoleRef { get; set; }

    public IList<Subject>? Subjects { get; set; }
}

public sealed class RoleRef
{
    public string ApiGroup { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";
}

public sealed class Subject
{
    public string Kind { get; set; } = "";

    public string? ApiGroup { get; set; }

    public string Name { get; set; } = "";

    public string? Namespace { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
