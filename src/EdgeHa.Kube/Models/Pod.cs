using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>core/v1 Pod.</summary>
[KubernetesResource("", "v1", "pods", "Pod")]
public sealed class Pod : KubernetesObject
{
    public Pod() => (ApiVersion, Kind) = ("v1", "Pod");

    public PodSpec? Spec { get; set; }

    public PodStatus? Status { get; set; }

    /// <summary>True when the Ready condition is True.</summary>
    [JsonIgnore]
    public bool IsReady => Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}

public sealed class PodStatus
{
    /// <summary>Pending, Running, Succeeded, Failed or Unknown.</summary>
    public string? Phase { get; set; }

    public IList<PodCondition>? Conditions { get; set; }

    public string? PodIP { get; set; }

    public string? HostIP { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    public IList<ContainerStatus>? ContainerStatuses { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A pod condition (PodScheduled, Initialized, ContainersReady, Ready).</summary>
public sealed class PodCondition
{
    public string Type { get; set; } = "";

    public string Status { get; set; } = "Unknown";

    public DateTimeOffset? LastProbeTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}

public sealed class ContainerStatus
{
    public string Name { get; set; } = "";

    public bool Ready { get; set; }

    public int RestartCount { get; set; }

    public string? Image { get; set; }

    public bool? Started { get; set; }

    /// <summary>waiting / running / terminated, kept raw.</summary>
    public JsonElement? State { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
