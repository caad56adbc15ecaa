namespace EdgeHa.Failover;

/// <summary>The acknowledgement of a switchover request (status.switchover).</summary>
/// <param name="RequestId">The request acted on.</param>
/// <param name="RequestedTo">Its target.</param>
/// <param name="At">When it was acted on.</param>
/// <param name="Accepted">True when the switch was started (or the target was already active).</param>
/// <param name="Result">CamelCase result: Started, AlreadyActive, UnknownNode, TargetNotEligible.</param>
/// <param name="Message">Detail, e.g. why the target is not eligible.</param>
public sealed record SwitchoverAck(string RequestId, string RequestedTo, DateTimeOffset At, bool Accepted, string Result, string Message);
