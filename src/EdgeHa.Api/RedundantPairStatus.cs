using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeHa.Api.Schema;
using EdgeHa.Kube.Models;

namespace EdgeHa.Api;

/// <summary>The observed state of a RedundantPair, written by the operator.</summary>
public sealed class RedundantPairStatus
{
    /// <summary>The metadata.generation this status was computed from.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>The pair's overall state: Pending, Active, FailingOver, Degraded, Paused or Invalid.</summary>
    public PairPhase? Phase { get; set; }

    /// <summary>The node whose collector acts now.</summary>
    public string? ActiveNode { get; set; }

    /// <summary>Fencing epoch; increments at every promotion, so a stale holder can be told apart.</summary>
    public long? Epoch { get; set; }

    /// <summary>How many failovers and switchovers the pair has made.</summary>
    public long? FailoverCount { get; set; }

    /// <summary>Worst-case milliseconds from a failure of the active side to the standby acting, for this spec.</summary>
    public long? PredictedFailoverMilliseconds { get; set; }

    /// <summary>Per-node health and role.</summary>
    [ListMapKey("name")]
    public List<NodeStatus>? Nodes { get; set; }

    /// <summary>The last change of the active node.</summary>
    public TransitionStatus? LastTransition { get; set; }

    /// <summary>The virtual IP as announced.</summary>
    public VipStatus? Vip { get; set; }

    /// <summary>The acknowledgement of the last manual switchover request.</summary>
    public SwitchoverStatus? Switchover { get; set; }

    /// <summary>Progress of the last collector template change (rolled standby first, then a planned switchover).</summary>
    public RolloutStatus? Rollout { get; set; }

    /// <summary>The failover engine's memory (stabilization windows, failure detection, anti-flap history), for the next leader.</summary>
    public EngineMemoryStatus? Memory { get; set; }

    /// <summary>
    /// Standard conditions: Ready, Degraded, FailoverInProgress, VipAssigned, SpecValid, ReconciliationPaused,
    /// EndToEndDataFlowing.
    /// </summary>
    [ListMapKey("type")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>Fields this version does not model (written by a newer operator); kept so a read-modify-write does not drop them.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
