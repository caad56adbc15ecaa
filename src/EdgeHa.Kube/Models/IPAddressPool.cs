using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>metallb.io/v1beta1 IPAddressPool: addresses MetalLB may hand to LoadBalancer Services.</summary>
[KubernetesResource("metallb.io", "v1beta1", "ipaddresspools", "IPAddressPool")]
public sealed class IPAddressPool : KubernetesObject
{
    public IPAddressPool() => (ApiVersion, Kind) = ("metallb.io/v1beta1", "IPAddressPool");

    public IPAddressPoolSpec Spec { get; set; } = new();
}

public sealed class IPAddressPoolSpec
{
    /// <summary>CIDRs or ranges ("192.168.10.0/24", "192.168.9.1-192.168.9.5").</summary>
    public IList<string> Addresses { get; set; } = [];

    public bool? AutoAssign { get; set; }

    public bool? AvoidBuggyIPs { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
