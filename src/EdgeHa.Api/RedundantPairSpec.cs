using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api;

/// <summary>The desired state of a RedundantPair.</summary>
[CelRule("self.primaryNode != self.standbyNode", "primaryNode and standbyNode must differ", FieldPath = ".standbyNode")]
[CelRule(
    "!has(self.failover) || !has(self.failover.switchoverTo) || self.failover.switchoverTo == '' || self.failover.switchoverTo == self.primaryNode || self.failover.switchoverTo == self.standbyNode",
    "failover.switchoverTo must name primaryNode or standbyNode",
    FieldPath = ".failover.switchoverTo")]
public sealed class RedundantPairSpec
{
    /// <summary>The node the collector runs on by preference (a Kubernetes node name).</summary>
    [Required]
    [MaxLength(253)]
    [RegularExpression(ApiPatterns.Dns1123Subdomain)]
    public string PrimaryNode { get; set; } = "";

    /// <summary>The node that takes over when the primary fails; must differ from primaryNode.</summary>
    [Required]
    [MaxLength(253)]
    [RegularExpression(ApiPatterns.Dns1123Subdomain)]
    public string StandbyNode { get; set; } = "";

    /// <summary>Cold: the standby Deployment runs no pod until failover. Hot: the standby pod runs in standby role (polls, does not publish or write).</summary>
    [DefaultValue(StandbyMode.Cold)]
    public StandbyMode StandbyMode { get; set; } = StandbyMode.Cold;

    /// <summary>
    /// The collector's pod template (a core/v1 PodTemplateSpec). The operator creates one Deployment per node from it,
    /// pinned to the node by kubernetes.io/hostname.
    /// </summary>
    [Required]
    public JsonObject Template { get; set; } = new();

    /// <summary>How the operator probes the collector. Defaults to HTTP GET /healthz on port 8080 every 1000 ms.</summary>
    public HealthCheckSpec HealthCheck { get; set; } = new();

    /// <summary>When and how the pair fails over and back.</summary>
    public FailoverSpec Failover { get; set; } = new();

    /// <summary>The pair Lease that guarantees at most one collector acts at any instant.</summary>
    public FencingSpec Fencing { get; set; } = new();

    /// <summary>How node liveness is judged.</summary>
    public NodeHealthSpec NodeHealth { get; set; } = new();

    /// <summary>The virtual IP that follows the active collector. Omit for no VIP.</summary>
    public VipSpec? Vip { get; set; }

    /// <summary>Modbus simulator pods and an end-to-end data check, so a pair proves that data flows. Omit for none.</summary>
    public SimulatorSpec? Simulator { get; set; }

    /// <summary>Maintenance switch: while true the operator takes no automatic action (no failover, no fail-back).</summary>
    [DefaultValue(false)]
    public bool Paused { get; set; }

    /// <summary>Fields this version does not model (written by a newer operator); kept so a read-modify-write does not drop them.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}
