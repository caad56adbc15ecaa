using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>metav1.LabelSelector.</summary>
public sealed class LabelSelector
{
    public IDictionary<string, string>? MatchLabels { get; set; }

    public IList<LabelSelectorRequirement>? MatchExpressions { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class LabelSelectorRequirement
{
    public string Key { get; set; } = "";

    /// <summary>In, NotIn, Exists or DoesNotExist.</summary>
    public string Operator { get; set; } = "";

    public IList<string>? Values { get; set; }
}
