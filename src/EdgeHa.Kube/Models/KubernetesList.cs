using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>A list answer: the items plus the list's resourceVersion (watch from it) and continue token (next page).</summary>
public sealed class KubernetesList<T>
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ListMeta Metadata { get; set; } = new();

    public List<T> Items { get; set; } = [];

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>metav1.ListMeta.</summary>
public sealed class ListMeta
{
    /// <summary>The collection's resourceVersion at the time of the list: start a watch from here.</summary>
    public string? ResourceVersion { get; set; }

    /// <summary>Set when more items remain: pass it as <see cref="ListOptions.Continue"/> to get the next page.</summary>
    public string? Continue { get; set; }

    public long? RemainingItemCount { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
