using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>events.k8s.io/v1 Event: something that happened to <see cref="Regarding"/>, for humans (kubectl describe / get events).</summary>
[KubernetesResource("events.k8s.io", "v1", "events", "Event")]
public sealed class Event : KubernetesObject
{
    public Event() => (ApiVersion, Kind) = ("events.k8s.io/v1", "Event");

    /// <summary>When it happened first (required by the API).</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? EventTime { get; set; }

    public EventSeries? Series { get; set; }

    /// <summary>The controller that emitted it, for example edgeha.io/operator.</summary>
    public string? ReportingController { get; set; }

    /// <summary>The instance of that controller (pod name).</summary>
    public string? ReportingInstance { get; set; }

    /// <summary>What was done, for example Failover.</summary>
    public string? Action { get; set; }

    /// <summary>Why, in CamelCase, for example ActiveNodeUnhealthy.</summary>
    public string? Reason { get; set; }

    public ObjectReference? Regarding { get; set; }

    public ObjectReference? Related { get; set; }

    /// <summary>A human readable description (at most 1 kB).</summary>
    public string? Note { get; set; }

    /// <summary>Normal or Warning.</summary>
    public string? Type { get; set; }
}

/// <summary>An event seen repeatedly: how many times and when last.</summary>
public sealed class EventSeries
{
    public int Count { get; set; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset LastObservedTime { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
