using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>When the pair fails over, how it returns to the primary, and manual switchover requests.</summary>
public sealed class FailoverSpec
{
    /// <summary>Milliseconds a detected failure must persist before the operator acts (debounce for short glitches).</summary>
    [Range(0, 60000)]
    [DefaultValue(0)]
    public int DelayMilliseconds { get; set; }

    /// <summary>Automatic: switch back to the primary once it is stable. Manual: only on a switchover request.</summary>
    [DefaultValue(FailbackMode.Automatic)]
    public FailbackMode Failback { get; set; } = FailbackMode.Automatic;

    /// <summary>Seconds the primary must stay healthy before an automatic fail-back.</summary>
    [Range(0, 3600)]
    [DefaultValue(30)]
    public int FailbackStabilizationSeconds { get; set; } = 30;

    /// <summary>Seconds the operator (as leader) observes after it starts before it takes any action.</summary>
    [Range(0, 600)]
    [DefaultValue(5)]
    public int StartupGraceSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a pair with no active node (new, or found so by a new leader with no live holder) waits for its
    /// primary before it makes the standby active instead; sized for image pulls. An eligible primary ends the wait
    /// at once, and so does a definite failure of it (node NotReady or gone, pod Failed or Unschedulable, image pull
    /// or crash-loop back-off); "no pod yet" and a first failed probe do not.
    /// </summary>
    [Range(0, 3600)]
    [DefaultValue(120)]
    public int JoinTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Seconds a collector upgrade waits for the upgraded standby to become Ready and healthy before it stops (status
    /// rollout phase Stalled, a RolloutStalled Event); the active side keeps the old version running meanwhile and
    /// after. Like a Deployment's progressDeadlineSeconds.
    /// </summary>
    [Range(10, 86400)]
    [DefaultValue(600)]
    public int ProgressDeadlineSeconds { get; set; } = 600;

    /// <summary>
    /// A manual switchover request: the node (primaryNode or standbyNode) to make active. Acted on once and acknowledged
    /// in status.switchover; the annotation edgeha.io/switchover-to does the same.
    /// </summary>
    [MaxLength(253)]
    public string? SwitchoverTo { get; set; }
}
