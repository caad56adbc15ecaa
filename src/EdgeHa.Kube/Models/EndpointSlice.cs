using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>discovery.k8s.io/v1 EndpointSlice: which pod addresses back a Service, and whether they are ready.</summary>
[KubernetesResource("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice")]
public sealed class EndpointSlice : KubernetesObject
{
    public EndpointSlice() => (ApiVersion, Kind) = ("discovery.k8s.io/v1", "EndpointSlice");

    /// <summary>IPv4, IPv6 or FQDN.</summary>
    public string AddressType { get; set; } = "IPv4";

    public IList<Endpoint> Endpoints { get; set; } = [];

    public IList<EndpointPort>? Ports { get; set; }
}

public sealed class Endpoint
{
    public IList<string> Addresses { get; set; } = [];

    public EndpointConditions? Conditions { get; set; }

    public string? NodeName { get; set; }

    public string? Hostname { get; set; }

    public ObjectReference? TargetRef { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class EndpointConditions
{
    public bool? Ready { get; set; }

    public bool? Serving { get; set; }

    public bool? Terminating { get; set; }
}

public sealed class EndpointPort
{
    public string? Name { get; set; }

    public int? Port { get; set; }

    public string? Protocol { get; set; }

    public string? AppProtocol { get; set; }
}
