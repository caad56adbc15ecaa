namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Counts lost and duplicate device sequence numbers in what the collectors published, as read through the VIP.
/// A repeat read of the same counter value by one collector (it polls faster than the counter moves) is not a
/// duplicate; the same value published by two stints (the old and the new active) is.
/// </summary>
public static class ContinuityAnalyzer
{
    /// <summary>Analyzes samples in the order they were read.</summary>
    public static ContinuityReport Analyze(IEnumerable<ObservedSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var unwrapper = new SequenceUnwrapper();
        var byValue = new SortedDictionary<long, Entry>();
        var read = 0;
        var stints = new HashSet<int>();
        foreach (var sample in samples)
        {
            read++;
            stints.Add(sample.Stint);
            var value = unwrapper.Unwrap(sample.Sequence);
            if (!byValue.TryGetValue(value, out var entry))
            {
                entry = new Entry(sample.Sequence, sample.ObservedAt);
                byValue[value] = entry;
            }

            entry.Stints.Add(sample.Stint);
        }

        if (byValue.Count == 0)
        {
            return new ContinuityReport { SamplesRead = read, Stints = stints.Count };
        }

        var gaps = new List<SequenceGap>();
        long handover = 0, polling = 0, duplicates = 0;
        var duplicatesByStint = new Dictionary<int, long>();
        KeyValuePair<long, Entry>? previous = null;
        foreach (var current in byValue)
        {
            var extra = current.Value.Stints.Count - 1;
            if (extra > 0)
            {
                duplicates += extra;
                var later = current.Value.Stints.Max();
                duplicatesByStint[later] = duplicatesByStint.GetValueOrDefault(later) + extra;
            }

            if (previous is { } p && current.Key - p.Key > 1)
            {
                var missing = current.Key - p.Key - 1;
                var atHandover = !p.Value.Stints.Overlaps(current.Value.Stints);
                gaps.Add(new SequenceGap(p.Value.Raw, current.Value.Raw, missing, atHandover, current.Value.FirstSeen, current.Value.Stints.Min()));
                if (atHandover)
                {
                    handover += missing;
                }
                else
                {
                    polling += missing;
                }
            }

            previous = current;
        }

        return new ContinuityReport
        {
            SamplesRead = read,
            DistinctSequences = byValue.Count,
            First = byValue.First().Value.Raw,
            Last = byValue.Last().Value.Raw,
            Stints = stints.Count,
            LostAtHandover = handover,
            MissedByPolling = polling,
            Duplicates = duplicates,
            Gaps = gaps,
            DuplicatesByStint = duplicatesByStint,
        };
    }

    private sealed class Entry(int raw, DateTimeOffset firstSeen)
    {
        public int Raw { get; } = raw;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public HashSet<int> Stints { get; } = [];
    }
}
