namespace EdgeHa.Failover;

/// <summary>What the operator knows about the collector pod on one node.</summary>
/// <param name="Exists">A pod of the pair exists on the node (and is not terminating).</param>
/// <param name="Ready">The pod's Ready condition is True.</param>
/// <param name="ReadyTransitionTime">The Ready condition's lastTransitionTime, when known.</param>
/// <param name="Role">The role the pod currently runs in, when known.</param>
/// <param name="Epoch">The epoch label of the pod, when known.</param>
/// <param name="Health">The probe verdict from <see cref="HealthTracker"/>.</param>
/// <param name="StartFailure">
/// Why the pod definitely cannot start, when it cannot (Failed, Unschedulable, CrashLoopBackOff, ImagePullBackOff,
/// ...): unlike "no pod yet" or "not Ready yet", this ends a new pair's wait for its primary at once.
/// </param>
public sealed record PodObservation(
    bool Exists,
    bool Ready,
    HealthSnapshot Health,
    DateTimeOffset? ReadyTransitionTime = null,
    NodeRole? Role = null,
    long? Epoch = null,
    string? StartFailure = null)
{
    /// <summary>No pod on the node.</summary>
    public static PodObservation Missing { get; } = new(false, false, HealthSnapshot.Unknown);
}
