using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>apps/v1 Deployment.</summary>
[KubernetesResource("apps", "v1", "deployments", "Deployment")]
public sealed class Deployment : KubernetesObject
{
    public Deployment() => (ApiVersion, Kind) = ("apps/v1", "Deployment");

    public DeploymentSpec? Spec { get; set; }

    public DeploymentStatus? Status { get; set; }
}

public sealed class DeploymentSpec
{
    public int? Replicas { get; set; }

    public LabelSelector? Selector { get; set; }

    public PodTemplateSpec? Template { get; set; }

    /// <summary>RollingUpdate (default) or Recreate, with parameters; kept raw.</summary>
    public JsonElement? Strategy { get; set; }

    public int? MinReadySeconds { get; set; }

    public int? RevisionHistoryLimit { get; set; }

    public bool? Paused { get; set; }

    public int? ProgressDeadlineSeconds { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class DeploymentStatus
{
    public long? ObservedGeneration { get; set; }

    public int? Replicas { get; set; }

    public int? UpdatedReplicas { get; set; }

    public int? ReadyReplicas { get; set; }

    public int? AvailableReplicas { get; set; }

    public int? UnavailableReplicas { get; set; }

    public IList<DeploymentCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A deployment condition (Available, Progressing, ReplicaFailure).</summary>
public sealed class DeploymentCondition
{
    public string Type { get; set; } = "";

    public string Status { get; set; } = "Unknown";

    public DateTimeOffset? LastUpdateTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}
