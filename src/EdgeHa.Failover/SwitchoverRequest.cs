namespace EdgeHa.Failover;

/// <summary>A manual switchover request (spec.failover.switchoverTo or the edgeha.io/switchover-to annotation).</summary>
/// <param name="Id">Identifies this request so it is acted on once (e.g. the generation or annotation value plus time).</param>
/// <param name="Target">The node to make active.</param>
/// <param name="Force">Switch even to a target that is not eligible.</param>
public sealed record SwitchoverRequest(string Id, string Target, bool Force = false);
