using System.Text.Json.Serialization;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Api;

/// <summary>A record of the last change of the active node.</summary>
public sealed class TransitionStatus
{
    /// <summary>When the operator decided the change, to the microsecond (failover times are sub-second).</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? Time { get; set; }

    /// <summary>Why, in CamelCase (for example ProbeFailed, NodeNotReady, Failback, ManualSwitchover).</summary>
    public string? Reason { get; set; }

    /// <summary>The node that was active before.</summary>
    public string? From { get; set; }

    /// <summary>The node that is active after.</summary>
    public string? To { get; set; }

    /// <summary>Milliseconds from the first failed observation to the decision to fail over.</summary>
    public long? DetectionMilliseconds { get; set; }

    /// <summary>Milliseconds from the decision to the new side acting.</summary>
    public long? SwitchMilliseconds { get; set; }

    /// <summary>
    /// Sequences after the last one the previous active recorded that the new active never buffered (its polls missed
    /// those counter values, or its buffer did not reach back), so it could not replay them: lost unless the previous
    /// active delivered them after its record. Unset when the promotion replayed without a hole.
    /// </summary>
    public long? UnreplayedSequences { get; set; }
}
