namespace EdgeHa.Failover;

/// <summary>
/// A side's probe verdict at one instant, as <see cref="HealthTracker"/> computes it (or as read back from status).
/// </summary>
/// <param name="Healthy">True/false once a threshold was reached; null while there is no verdict yet.</param>
/// <param name="ConsecutiveFailures">Failed probes in a row, in send order, up to the last resolved probe.</param>
/// <param name="ConsecutiveSuccesses">Good probes in a row, in send order.</param>
/// <param name="FirstFailureAt">Sent-at of the first probe of the current failure run (the failure onset); null when the last probe succeeded.</param>
/// <param name="UnhealthySince">When the verdict turned unhealthy (the resolution time of the threshold-th failure).</param>
/// <param name="HealthySince">When the verdict turned healthy.</param>
/// <param name="LastProbeAt">Sent-at of the last resolved probe.</param>
public sealed record HealthSnapshot(
    bool? Healthy,
    int ConsecutiveFailures,
    int ConsecutiveSuccesses,
    DateTimeOffset? FirstFailureAt,
    DateTimeOffset? UnhealthySince,
    DateTimeOffset? HealthySince,
    DateTimeOffset? LastProbeAt)
{
    /// <summary>No probe resolved yet.</summary>
    public static HealthSnapshot Unknown { get; } = new(null, 0, 0, null, null, null, null);
}
