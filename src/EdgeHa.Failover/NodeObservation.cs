namespace EdgeHa.Failover;

/// <summary>What the API says about one node.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Exists">False when the Node object is gone.</param>
/// <param name="Ready">The node's Ready condition is True.</param>
/// <param name="Unschedulable">The node is cordoned (spec.unschedulable), e.g. being drained.</param>
/// <param name="ReadyTransitionTime">The Ready condition's lastTransitionTime, when known (the failure onset for NotReady).</param>
/// <param name="LeaseRenewTime">The kube-node-lease Lease renewTime; null when unknown (then not judged).</param>
public sealed record NodeObservation(
    string Name,
    bool Exists = true,
    bool Ready = true,
    bool Unschedulable = false,
    DateTimeOffset? ReadyTransitionTime = null,
    DateTimeOffset? LeaseRenewTime = null);
