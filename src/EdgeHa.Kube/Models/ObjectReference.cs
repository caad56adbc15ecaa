using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>core/v1 ObjectReference: points at another object (Event regarding, EndpointSlice targetRef).</summary>
public sealed class ObjectReference
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public string? FieldPath { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>A reference to <paramref name="obj"/>.</summary>
    public static ObjectReference To(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return new ObjectReference
        {
            ApiVersion = obj.ApiVersion,
            Kind = obj.Kind,
            Namespace = obj.Metadata.Namespace,
            Name = obj.Metadata.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
    }
}
