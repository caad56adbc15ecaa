namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The outcome of one seeded schedule.</summary>
internal sealed record ScheduleResult(
    ulong Seed,
    IReadOnlyList<string> Violations,
    long? MeasuredFailoverMs,
    long BoundMs,
    bool MeasuredSkipped,
    bool Cold,
    long Events,
    IReadOnlyList<string> Trace);
