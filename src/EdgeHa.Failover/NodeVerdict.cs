namespace EdgeHa.Failover;

/// <summary>One entry of status.nodes.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Role">The desired role.</param>
/// <param name="Ready">The node is Ready.</param>
/// <param name="Healthy">The side could serve now (active: not failed; standby: eligible).</param>
/// <param name="ConsecutiveFailures">Failed probes in a row.</param>
/// <param name="LastProbeTime">Sent-at of the last resolved probe.</param>
/// <param name="Message">Why it is not healthy, or "ok".</param>
public sealed record NodeVerdict(
    string Name,
    NodeRole Role,
    bool Ready,
    bool Healthy,
    int ConsecutiveFailures,
    DateTimeOffset? LastProbeTime,
    string Message);
