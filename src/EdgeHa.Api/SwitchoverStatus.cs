namespace EdgeHa.Api;

/// <summary>The acknowledgement of a manual switchover request, so it is acted on once.</summary>
public sealed class SwitchoverStatus
{
    /// <summary>The node the request named.</summary>
    public string? RequestedTo { get; set; }

    /// <summary>When the operator acted on the request.</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>The outcome in CamelCase: Succeeded, AlreadyActive, Rejected (with the reason in the SpecValid or Ready message).</summary>
    public string? Result { get; set; }
}
