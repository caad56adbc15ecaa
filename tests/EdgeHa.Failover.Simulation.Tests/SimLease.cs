namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The pair Lease as the simulated API server stores it.</summary>
internal sealed record SimLease(string? Holder, DateTimeOffset? RenewTime, TimeSpan Duration, int Transitions, string? ReleasedBy, long Rv)
{
    public LeaseObservation ToObservation() => new(Holder, RenewTime, Duration, Transitions, ReleasedBy);
}
