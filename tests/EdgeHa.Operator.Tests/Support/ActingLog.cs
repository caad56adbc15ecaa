using System.Diagnostics;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>Records when each collector stand-in acted (held the lease by its own clock), to check that two never overlap.</summary>
internal sealed class ActingLog
{
    private readonly Lock _gate = new();
    private readonly List<Interval> _intervals = [];

    public sealed class Interval(string pod, string node, long epoch, long start)
    {
        public string Pod { get; } = pod;

        public string Node { get; } = node;

        public long Epoch { get; } = epoch;

        public long Start { get; } = start;

        public long? End { get; set; }
    }

    public void Started(string pod, string node, long epoch)
    {
        lock (_gate)
        {
            _intervals.Add(new Interval(pod, node, epoch, Stopwatch.GetTimestamp()));
        }
    }

    public void Stopped(string pod)
    {
        lock (_gate)
        {
            foreach (var i in _intervals.Where(i => i.Pod == pod && i.End is null))
            {
                i.End = Stopwatch.GetTimestamp();
            }
        }
    }

    public IReadOnlyList<Interval> Snapshot()
    {
        lock (_gate)
        {
            return _intervals.ToList();
        }
    }

    /// <summary>The first acting interval on <paramref name="node"/> that started after <paramref name="after"/>.</summary>
    public Interval? FirstOn(string node, long after = 0)
    {
        lock (_gate)
        {
            return _intervals.FirstOrDefault(i => i.Node == node && i.Start >= after);
        }
    }

    /// <summary>Pairs of intervals of different pods that overlap (must be empty: never two acting at once).</summary>
    public IReadOnlyList<(Interval A, Interval B)> Overlaps()
    {
        lock (_gate)
        {
            var result = new List<(Interval, Interval)>();
            for (var i = 0; i < _intervals.Count; i++)
            {
                for (var j = i + 1; j < _intervals.Count; j++)
                {
                    var a = _intervals[i];
                    var b = _intervals[j];
                    if (a.Pod != b.Pod && a.Start < (b.End ?? long.MaxValue) && b.Start < (a.End ?? long.MaxValue))
                    {
                        result.Add((a, b));
                    }
                }
            }

            return result;
        }
    }
}
