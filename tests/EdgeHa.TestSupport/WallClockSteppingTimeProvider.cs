using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose wall clock can also be stepped on its own, as NTP does: after
/// <see cref="StepWallClock"/>, <see cref="GetUtcNow"/> jumps while the monotonic <see cref="TimeProvider.GetTimestamp"/>
/// and the timers keep their pace. (The library's own <see cref="FakeTimeProvider.AdjustTime"/> moves both.)
/// </summary>
public sealed class WallClockSteppingTimeProvider : FakeTimeProvider
{
    private long _stepTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _stepTicks));

    // The base derives its timestamp from GetUtcNow (at 10^7 per second, one per tick): take the step back out.
    public override long GetTimestamp() => base.GetTimestamp() - Interlocked.Read(ref _stepTicks);

    /// <summary>Steps the wall clock only, either way.</summary>
    public void StepWallClock(TimeSpan by) => Interlocked.Add(ref _stepTicks, by.Ticks);
}
