namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// One machine's clocks over the simulation's virtual time: a monotonic clock that runs at its own rate (drift) and
/// a wall clock that can be stepped (NTP). Timers run on the virtual time itself; every fenced decision of the code
/// under test reads the clock on use, so a timer firing a little off only changes when an event is raised. While the
/// process is paused its timers wait, once it died they never fire (a retry's backoff cannot run the code then).
/// </summary>
internal sealed class MachineClock(TimeProvider world, double rate) : TimeProvider
{
    private TimeSpan _wallOffset;

    public override long TimestampFrequency => world.TimestampFrequency;

    public override long GetTimestamp() => (long)(world.GetTimestamp() * rate);

    public override DateTimeOffset GetUtcNow() => world.GetUtcNow() + _wallOffset;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>The process runs none of its timers before this (a stop-the-world pause): they fire when it ends.</summary>
    public DateTimeOffset PausedUntil { get; set; }

    /// <summary>The process died: none of its timers fires any more.</summary>
    public bool Stopped { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer? timer = null;
        timer = world.CreateTimer(
            s =>
            {
                var now = world.GetUtcNow();
                if (Stopped)
                {
                    return;
                }

                if (now < PausedUntil)
                {
                    timer!.Change(PausedUntil - now, period);
                    return;
                }

                callback(s);
            },
            state,
            dueTime,
            period);
        return timer;
    }

    /// <summary>Steps the wall clock (an NTP correction); the monotonic clock does not move.</summary>
    public void StepWall(TimeSpan by) => _wallOffset += by;
}
