namespace EdgeHa.Demo.Measurement;

/// <summary>One read through the VIP.</summary>
/// <param name="Start">When the request was sent.</param>
/// <param name="End">When it answered or failed.</param>
/// <param name="Answered">True when the VIP answered with samples (HTTP 200 from a collector).</param>
/// <param name="Error">Why it did not, when it did not.</param>
/// <param name="Backend">The pod the load balancer routed to, when known.</param>
public sealed record VipProbe(DateTimeOffset Start, DateTimeOffset End, bool Answered, string? Error = null, string? Backend = null);
