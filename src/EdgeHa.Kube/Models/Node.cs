using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>core/v1 Node.</summary>
[KubernetesResource("", "v1", "nodes", "Node", namespaced: false)]
public sealed class Node : KubernetesObject
{
    public Node() => (ApiVersion, Kind) = ("v1", "Node");

    public NodeSpec? Spec { get; set; }

    public NodeStatus? Status { get; set; }

    /// <summary>True when the Ready condition is True.</summary>
    [JsonIgnore]
    public bool IsReady => Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}

public sealed class NodeSpec
{
    /// <summary>Cordoned: no new pods are scheduled here.</summary>
    public bool? Unschedulable { get; set; }

    public IList<Taint>? Taints { get; set; }

    public string? PodCIDR { get; set; }

    public string? ProviderID { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class Taint
{
    public string Key { get; set; } = "";

    public string? Value { get; set; }

    /// <summary>NoSchedule, PreferNoSchedule or NoExecute.</summary>
    public string Effect { get; set; } = "";

    public DateTimeOffset? TimeAdded { get; set; }
}

public sealed class NodeStatus
{
    public IList<NodeCondition>? Conditions { get; set; }

    public IList<NodeAddress>? Addresses { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A node condition (Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable).</summary>
public sealed class NodeCondition
{
    public string Type { get; set; } = "";

    /// <summary>True, False or Unknown.</summary>
    public string Status { get; set; } = "Unknown";

    public DateTimeOffset? LastHeartbeatTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}

public sealed class NodeAddress
{
    /// <summary>InternalIP, ExternalIP, Hostname, ...</summary>
    public string Type { get; set; } = "";

    public string Address { get; set; } = "";
}
