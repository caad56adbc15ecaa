using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>metallb.io/v1beta1 L2Advertisement: which pools are announced over ARP/NDP, from which nodes and interfaces.</summary>
[KubernetesResource("metallb.io", "v1beta1", "l2advertisements", "L2Advertisement")]
public sealed class L2Advertisement : KubernetesObject
{
    public L2Advertisement() => (ApiVersion, Kind) = ("metallb.io/v1beta1", "L2Advertisement");

    public L2AdvertisementSpec Spec { get; set; } = new();
}

public sealed class L2AdvertisementSpec
{
    public IList<string>? IpAddressPools { get; set; }

    public IList<LabelSelector>? IpAddressPoolSelectors { get; set; }

    /// <summary>Only nodes matching these selectors announce (empty: all nodes).</summary>
    public IList<LabelSelector>? NodeSelectors { get; set; }

    public IList<string>? Interfaces { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
