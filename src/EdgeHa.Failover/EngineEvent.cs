namespace EdgeHa.Failover;

/// <summary>A Kubernetes Event the operator should emit on the pair.</summary>
/// <param name="Warning">Type Warning (true) or Normal.</param>
/// <param name="Reason">CamelCase reason.</param>
/// <param name="Message">Human-readable message.</param>
public sealed record EngineEvent(bool Warning, string Reason, string Message);
