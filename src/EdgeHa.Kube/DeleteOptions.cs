using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube;

/// <summary>How dependents are handled when their owner is deleted.</summary>
public enum PropagationPolicy
{
    /// <summary>Delete the owner now; the garbage collector deletes dependents afterwards.</summary>
    Background,

    /// <summary>The owner stays (with a foregroundDeletion finalizer) until its blocking dependents are gone.</summary>
    Foreground,

    /// <summary>Dependents are kept and their ownerReferences removed.</summary>
    Orphan,
}

/// <summary>metav1.DeleteOptions, sent as the DELETE body.</summary>
public sealed record DeleteOptions
{
    [JsonPropertyOrder(-2)]
    public string ApiVersion { get; init; } = "v1";

    [JsonPropertyOrder(-1)]
    public string Kind { get; init; } = "DeleteOptions";

    public PropagationPolicy? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    /// <summary>Delete only if the object still has this uid and/or resourceVersion (409 Conflict otherwise).</summary>
    public Preconditions? Preconditions { get; init; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>metav1.Preconditions.</summary>
public sealed record Preconditions(string? Uid = null, string? ResourceVersion = null);
