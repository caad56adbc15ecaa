using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>apiextensions.k8s.io/v1 CustomResourceDefinition; the schema is kept as a <see cref="JsonNode"/>.</summary>
[KubernetesResource("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", namespaced: false)]
public sealed class CustomResourceDefinition : KubernetesObject
{
    public CustomResourceDefinition() => (ApiVersion, Kind) = ("apiextensions.k8s.io/v1", "CustomResourceDefinition");

    public CustomResourceDefinitionSpec Spec { get; set; } = new();

    public CustomResourceDefinitionStatus? Status { get; set; }

    /// <summary>The <see cref="ResourceType"/> of the served storage version (or the first served one).</summary>
    public ResourceType ToResourceType()
    {
        var version = Spec.Versions.FirstOrDefault(v => v.Storage) ?? Spec.Versions.FirstOrDefault()
            ?? throw new InvalidOperationException($"CRD {Metadata.Name} has no versions.");
        return new ResourceType(Spec.Group, version.Name, Spec.Names.Plural, Spec.Names.Kind, Spec.Scope != "Cluster");
    }
}

public sealed class CustomResourceDefinitionSpec
{
    public string Group { get; set; } = "";

    public CustomResourceDefinitionNames Names { get; set; } = new();

    /// <summary>Namespaced or Cluster.</summary>
    public string Scope { get; set; } = "Namespaced";

    public IList<CustomResourceDefinitionVersion> Versions { get; set; } = [];

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class CustomResourceDefinitionNames
{
    public string Plural { get; set; } = "";

    public string? Singular { get; set; }

    public string Kind { get; set; } = "";

    public string? ListKind { get; set; }

    public IList<string>? ShortNames { get; set; }

    public IList<string>? Categories { get; set; }
}

public sealed class CustomResourceDefinitionVersion
{
    public string Name { get; set; } = "";

    public bool Served { get; set; } = true;

    public bool Storage { get; set; }

    /// <summary><c>{"openAPIV3Schema": {...}}</c>, kept as JSON.</summary>
    public JsonNode? Schema { get; set; }

    /// <summary><c>{"status": {}, "scale": {...}}</c>, kept as JSON.</summary>
    public JsonNode? Subresources { get; set; }

    public JsonNode? AdditionalPrinterColumns { get; set; }

    public bool? Deprecated { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class CustomResourceDefinitionStatus
{
    public IList<CustomResourceDefinitionCondition>? Conditions { get; set; }

    public CustomResourceDefinitionNames? AcceptedNames { get; set; }

    public IList<string>? StoredVersions { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A CRD condition (Established, NamesAccepted, ...).</summary>
public sealed class CustomResourceDefinitionCondition
{
    public string Type { get; set; } = "";

    public string Status { get; set; } = "Unknown";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}
