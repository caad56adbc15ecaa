namespace EdgeHa.Demo.Measurement;

/// <summary>Finds the windows in which the VIP did not answer, from the record of reads (resolution: the read period).</summary>
public static class OutageAnalyzer
{
    public static IReadOnlyList<OutageWindow> Windows(IEnumerable<VipProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var windows = new List<OutageWindow>();
        VipProbe? firstFailed = null;
        VipProbe? lastFailed = null;
        var failed = 0;
        foreach (var probe in probes.OrderBy(p => p.Start))
        {
            if (!probe.Answered)
            {
                firstFailed ??= probe;
                lastFailed = probe;
                failed++;
                continue;
            }

            if (firstFailed is not null)
            {
                windows.Add(new OutageWindow(firstFailed.Start, probe.Start, failed, firstFailed.Error, Closed: true));
                firstFailed = null;
                failed = 0;
            }
        }

        if (firstFailed is not null)
        {
            windows.Add(new OutageWindow(firstFailed.Start, lastFailed!.End, failed, firstFailed.Error, Closed: false));
        }

        return windows;
    }

    /// <summary>The total time without an answer within [from, to] (windows clipped to it).</summary>
    public static TimeSpan OutageWithin(IEnumerable<OutageWindow> windows, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var total = TimeSpan.Zero;
        foreach (var w in windows.Where(w => w.Overlaps(from, to)))
        {
            var start = w.Start < from ? from : w.Start;
            var end = w.End > to ? to : w.End;
            if (end > start)
            {
                total += end - start;
            }
        }

        return total;
    }
}
