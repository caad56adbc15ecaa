namespace EdgeHa.Failover;

/// <summary>One side of the pair: its node, its collector pod and the end-to-end device check from it.</summary>
/// <param name="Node">The node.</param>
/// <param name="Pod">The collector pod on the node.</param>
/// <param name="Device">Whether the device answers with fresh data from this side.</param>
/// <param name="DeviceSince">Since when <paramref name="Device"/> has had its value, when known.</param>
public sealed record SideObservation(
    NodeObservation Node,
    PodObservation Pod,
    DeviceReachability Device = DeviceReachability.Unknown,
    DateTimeOffset? DeviceSince = null)
{
    public string Name => Node.Name;
}
