namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// Queues a pair when its active collector's Lease renewals would be stale, without reconciling the pair at every
/// lease duration to look. The reconciler says how long renewals may pause (the lease duration plus the clock-skew
/// margin); each renewal the informer delivers restarts the pair's <see cref="ObservedClock"/> entry, which pushes the
/// deadline on by itself; one timer serves every pair. At 1,000 healthy pairs the look-again reconciles were 164 a
/// second, 60 % of a core, for renewals that had all arrived.
/// </summary>
public sealed class RenewalWatch : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TimeSpan> _windows = new(StringComparer.Ordinal);
    private readonly ObservedClock _clock;
    private readonly TimeProvider _time;
    private readonly Action<string> _enqueue;
    private readonly ITimer _timer;
    private long _nextCheck = long.MaxValue; // timestamp the timer is set for

    public RenewalWatch(ObservedClock clock, TimeProvider time, Action<string> enqueue)
    {
        _clock = clock;
        _time = time;
        _enqueue = enqueue;
        _timer = time.CreateTimer(static state => ((RenewalWatch)state!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Queues the pair once its Lease has gone <paramref name="window"/> without an observed renewal.</summary>
    public void Watch(string key, TimeSpan window)
    {
        var left = window - (_clock.Age(LeaseKey(key)) ?? TimeSpan.Zero);
        lock (_gate)
        {
            _windows[key] = window;
            ArmLocked(left);
        }
    }

    /// <summary>Stops watching the pair (no active holder to watch, or the pair is gone).</summary>
    public void Stop(string key)
    {
        lock (_gate)
        {
            _windows.Remove(key);
        }
    }

    public void Dispose() => _timer.Dispose();

    private static string LeaseKey(string key) => "lease/" + key;

    private void Check()
    {
        var due = new List<string>();
        lock (_gate)
        {
            _nextCheck = long.MaxValue;
            TimeSpan? next = null;
            foreach (var (key, window) in _windows)
            {
                var left = window - (_clock.Age(LeaseKey(key)) ?? TimeSpan.Zero);
                if (left <= TimeSpan.Zero)
                {
                    due.Add(key);
                }
                else if (next is null || left < next)
                {
                    next = left;
                }
            }

            // A due pair is watched again by the reconcile it gets.
            foreach (var key in due)
            {
                _windows.Remove(key);
            }

            if (next is { } n)
            {
                ArmLocked(n);
            }
        }

        foreach (var key in due)
        {
            _enqueue(key);
        }
    }

    private void ArmLocked(TimeSpan left)
    {
        var delay = left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
        var at = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
        if (at >= _nextCheck)
        {
            return; // the timer fires earlier and looks at this pair too
        }

        _nextCheck = at;
        try
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The term of leadership ended.
        }
    }
}
