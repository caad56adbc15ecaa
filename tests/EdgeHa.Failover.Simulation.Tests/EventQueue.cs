namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The discrete-event loop: virtual milliseconds, events at the same instant run in the order they were scheduled.</summary>
internal sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long Time, long Seq)> _queue = new();
    private long _seq;

    public long Now { get; private set; }

    public long Processed { get; private set; }

    public void At(long time, Action action) => _queue.Enqueue(action, (Math.Max(time, Now), _seq++));

    public void After(long delay, Action action) => At(Now + delay, action);

    /// <summary>Runs every event due up to <paramref name="end"/>, then parks the clock at <paramref name="end"/>.</summary>
    public void RunUntil(long end)
    {
        while (_queue.TryPeek(out var action, out var key) && key.Time <= end)
        {
            _queue.Dequeue();
            Now = key.Time;
            Processed++;
            action();
        }

        Now = Math.Max(Now, end);
    }
}
