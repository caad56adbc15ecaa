using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>One served resource at one group/version: what discovery lists and what the store keys on.</summary>
internal sealed class ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>True when the kind has a <c>/status</c> subresource.</summary>
    public bool HasStatus { get; init; }

    /// <summary>The token subresource (TokenRequest, <c>kubectl create token</c>) of serviceaccounts.</summary>
    public bool HasToken => !IsCustom && Group.Length == 0 && Plural == "serviceaccounts";

    /// <summary>The verbs discovery lists; null for every verb of a stored resource (a review is create-only).</summary>
    public IReadOnlyList<string>? Verbs { get; init; }

    /// <summary>True when the kind has an autoscaling/v1 <c>/scale</c> subresource.</summary>
    public bool HasScale => !IsCustom && Group == "apps" && Plural is "deployments" or "replicasets";

    /// <summary>True for resources served from a CustomResourceDefinition.</summary>
    public bool IsCustom { get; init; }

    /// <summary>The CRD's openAPIV3Schema for this version, when it has one.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>The CRD's additionalPrinterColumns for this version (empty for built-in kinds).</summary>
    public IReadOnlyList<JsonObject> PrinterColumns { get; init; } = [];

    /// <summary>Field selector labels the kind accepts besides metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> ExtraFieldLabels { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Set when another group serves the same objects (events.k8s.io events are core events).</summary>
    public string? SharedStorageKey { get; init; }

    /// <summary>Objects of every version of a resource share storage, as in etcd.</summary>
    public string StorageKey => SharedStorageKey ?? $"{Group}/{Plural}";

    public string GroupVersion => ApiVersion;
}
