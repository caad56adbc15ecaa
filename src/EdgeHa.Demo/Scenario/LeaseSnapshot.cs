namespace EdgeHa.Demo.Scenario;

/// <summary>The pair Lease as the demo reads it.</summary>
/// <param name="Holder">spec.holderIdentity (the holding pod), empty or null when released.</param>
/// <param name="LastPublishedSequence">The annotation edgeha.io/last-published-sequence the holder writes at each renewal.</param>
public sealed record LeaseSnapshot(string? Holder, int? LastPublishedSequence);
