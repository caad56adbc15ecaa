using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>coordination.k8s.io/v1 Lease: leader election and fencing. Times are MicroTime (microseconds).</summary>
[KubernetesResource("coordination.k8s.io", "v1", "leases", "Lease")]
public sealed class Lease : KubernetesObject
{
    public Lease() => (ApiVersion, Kind) = ("coordination.k8s.io/v1", "Lease");

    public LeaseSpec? Spec { get; set; }
}

public sealed class LeaseSpec
{
    public string? HolderIdentity { get; set; }

    public int? LeaseDurationSeconds { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; set; }

    public int? LeaseTransitions { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
