using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>core/v1 Service.</summary>
[KubernetesResource("", "v1", "services", "Service")]
public sealed class Service : KubernetesObject
{
    public Service() => (ApiVersion, Kind) = ("v1", "Service");

    public ServiceSpec? Spec { get; set; }

    public ServiceStatus? Status { get; set; }
}

public sealed class ServiceSpec
{
    /// <summary>ClusterIP, NodePort, LoadBalancer or ExternalName.</summary>
    public string? Type { get; set; }

    public IDictionary<string, string>? Selector { get; set; }

    public IList<ServicePort>? Ports { get; set; }

    /// <summary>Cluster or Local (Local: only nodes with a ready endpoint announce / accept).</summary>
    public string? ExternalTrafficPolicy { get; set; }

    public string? ClusterIP { get; set; }

    public IList<string>? ClusterIPs { get; set; }

    /// <summary>Deprecated in favour of provider annotations, still honoured by MetalLB.</summary>
    public string? LoadBalancerIP { get; set; }

    public string? LoadBalancerClass { get; set; }

    public bool? PublishNotReadyAddresses { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class ServicePort
{
    public string? Name { get; set; }

    public string? Protocol { get; set; }

    public int Port { get; set; }

    public IntOrString? TargetPort { get; set; }

    public int? NodePort { get; set; }

    public string? AppProtocol { get; set; }
}

public sealed class ServiceStatus
{
    public LoadBalancerStatus? LoadBalancer { get; set; }

    public IList<Condition>? Conditions { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class LoadBalancerStatus
{
    public IList<LoadBalancerIngress>? Ingress { get; set; }
}

public sealed class LoadBalancerIngress
{
    public string? Ip { get; set; }

    public string? Hostname { get; set; }

    /// <summary>VIP (default) or Proxy.</summary>
    public string? IpMode { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
