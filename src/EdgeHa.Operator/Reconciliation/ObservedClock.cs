using System.Collections.Concurrent;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// Remembers, by the OPERATOR's clock, when a value was first seen in its current form (client-go leader election's
/// observedTime). Expiry of a Lease written by another machine is measured from here, never from the timestamp the
/// other machine wrote. After a restart the first observation starts the clock, which can only make a wait longer.
/// </summary>
public sealed class ObservedClock(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Stamp, DateTimeOffset ObservedAt)> _seen = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="stamp"/> for <paramref name="key"/> and returns when it was first seen in that form.</summary>
    public DateTimeOffset Observe(string key, string stamp)
    {
        var now = time.GetUtcNow();
        return _seen.AddOrUpdate(key, _ => (stamp, now), (_, old) => old.Stamp == stamp ? old : (stamp, now)).ObservedAt;
    }

    /// <summary>Forgets a key (its object was deleted).</summary>
    public void Forget(string key) => _seen.TryRemove(key, out _);

    /// <summary>Forgets every key starting with <paramref name="prefix"/>.</summary>
    public void ForgetPrefix(string prefix)
    {
        foreach (var key in _seen.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            _seen.TryRemove(key, out _);
        }
    }
}
