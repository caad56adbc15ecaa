using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>metav1.ObjectMeta: the fields the operator reads or writes; the rest round-trip through <see cref="Extra"/>.</summary>
public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? GenerateName { get; set; }

    public string? Namespace { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public long? Generation { get; set; }

    public DateTimeOffset? CreationTimestamp { get; set; }

    public DateTimeOffset? DeletionTimestamp { get; set; }

    public IDictionary<string, string>? Labels { get; set; }

    public IDictionary<string, string>? Annotations { get; set; }

    public IList<string>? Finalizers { get; set; }

    public IList<OwnerReference>? OwnerReferences { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>metav1.OwnerReference: ties a dependent to its owner for garbage collection.</summary>
public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";

    public string Uid { get; set; } = "";

    public bool? Controller { get; set; }

    public bool? BlockOwnerDeletion { get; set; }
}

/// <summary>metav1.Condition: one observation of an aspect of an object's state.</summary>
public sealed class Condition
{
    /// <summary>The condition's type in CamelCase, for example Ready.</summary>
    public string Type { get; set; } = "";

    /// <summary>True, False or Unknown.</summary>
    public string Status { get; set; } = "Unknown";

    /// <summary>The metadata.generation the condition was set from.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset LastTransitionTime { get; set; }

    /// <summary>A CamelCase reason for the last transition; never empty.</summary>
    public string Reason { get; set; } = "";

    /// <summary>A human readable message about the transition.</summary>
    public string Message { get; set; } = "";
}
