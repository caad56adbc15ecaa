using System.Collections.Concurrent;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// Remembers, by the OPERATOR's monotonic clock, when a value was first seen in its current form (client-go leader
/// election's observedTime). Expiry of a Lease written by another machine is measured from here, never from the
/// timestamp the other machine wrote, and never on the wall clock: an NTP step would shorten every pending fencing
/// wait. The engine reasons in <see cref="DateTimeOffset"/>s, so an observation is handed out as "now minus the
/// monotonic time elapsed since it", for the <c>now</c> of the decision: the difference the engine compares is then
/// exactly the monotonic elapsed time, whatever the wall clock did meanwhile. After a restart the first observation
/// starts the clock, which can only make a wait longer.
/// </summary>
public sealed class ObservedClock(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Stamp, long ObservedAt)> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TimeSpan Duration, long LastSeen)> _durations = new(StringComparer.Ordinal);

    /// <summary>How many values are remembered (bounded by the live objects: their deletions forget them).</summary>
    public int Count => _seen.Count + _durations.Count;

    /// <summary>Records <paramref name="stamp"/> for <paramref name="key"/> and returns when it was first seen in that form, on the timeline of <paramref name="now"/>.</summary>
    public DateTimeOffset Observe(string key, string stamp, DateTimeOffset now)
    {
        var at = Record(key, stamp);
        return now - time.GetElapsedTime(at);
    }

    /// <summary>Records <paramref name="stamp"/> for <paramref name="key"/> (an informer saw it) without reading it.</summary>
    public void Note(string key, string stamp) => Record(key, stamp);

    /// <summary>Monotonic time since <paramref name="key"/> was first seen in its current form, or null when never seen.</summary>
    public TimeSpan? Age(string key) => _seen.TryGetValue(key, out var seen) ? time.GetElapsedTime(seen.ObservedAt) : null;

    /// <summary>
    /// The longest lease duration seen for <paramref name="key"/> that a holder may still be acting under: one seen
    /// last at t stays in force until t + that duration + <paramref name="margin"/>. A Lease deleted and recreated, or
    /// edited by hand, no longer carries the duration its last holder declared; this memory still does.
    /// </summary>
    public TimeSpan Longest(string key, TimeSpan duration, TimeSpan margin)
    {
        var now = time.GetTimestamp();
        return _durations.AddOrUpdate(
            key,
            _ => (duration, now),
            (_, old) => old.Duration > duration && time.GetElapsedTime(old.LastSeen) < old.Duration + margin ? old : (duration, now)).Duration;
    }

    /// <summary>The duration <see cref="Longest"/> remembers for <paramref name="key"/>, or null.</summary>
    public TimeSpan? Remembered(string key) => _durations.TryGetValue(key, out var seen) ? seen.Duration : null;

    /// <summary>Forgets a key (its object was deleted).</summary>
    public void Forget(string key)
    {
        _seen.TryRemove(key, out _);
        _durations.TryRemove(key, out _);
    }

    private long Record(string key, string stamp)
    {
        var now = time.GetTimestamp();
        return _seen.AddOrUpdate(key, _ => (stamp, now), (_, old) => old.Stamp == stamp ? old : (stamp, now)).ObservedAt;
    }
}
