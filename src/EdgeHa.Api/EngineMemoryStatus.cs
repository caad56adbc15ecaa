using System.Text.Json.Serialization;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Api;

/// <summary>
/// What the failover engine must remember between decisions, kept in status so that a new operator leader goes on
/// where the last one stopped: a fail-back stabilization window keeps its start, a detected failure its detection
/// time, a handled switchover request stays handled, the anti-flap history survives.
/// </summary>
public sealed class EngineMemoryStatus
{
    /// <summary>Since when the primary has been continuously eligible (the start of the fail-back stabilization).</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? PrimaryEligibleSince { get; set; }

    /// <summary>The active node whose current failure was first seen at activeFailureDetectedAt.</summary>
    public string? ActiveFailureNode { get; set; }

    /// <summary>When the current failure of the active node was first seen (the start of the failover delay).</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? ActiveFailureDetectedAt { get; set; }

    /// <summary>The last manual switchover request acted on (accepted or refused), so it is acted on once.</summary>
    public string? LastHandledSwitchoverId { get; set; }

    /// <summary>The degraded reason last reported, so its Event is emitted once.</summary>
    public string? DegradedReason { get; set; }

    /// <summary>Cold standby: since when the primary's collector runs in standby role before a fail-back.</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? FailbackWarmupSince { get; set; }

    /// <summary>The active's collector has had a healthy probe since its promotion (its cold start is over).</summary>
    public bool? ActiveConfirmedHealthy { get; set; }

    /// <summary>The node the last unplanned failover left (anti-flap).</summary>
    public string? LastFailedNode { get; set; }

    /// <summary>When that failover was decided.</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? LastFailedAt { get; set; }
}
