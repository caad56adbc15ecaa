namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Counts lost and duplicate device sequence numbers in what the collectors published, as read through the VIP.
/// A repeat read of the same counter value by one collector (it polls faster than the counter moves) is not a
/// duplicate; the same value published by two stints (the old and the new active) is.
/// </summary>
public static class ContinuityAnalyzer
{
    /// <summary>
    /// Analyzes samples in the order they were read. <paramref name="recordedByPrevious"/> maps a stint to the last
    /// sequence its predecessor recorded as published in the pair Lease: missing numbers up to it at that handover
    /// were published (by a collector that then crashed before they were read), not lost. <paramref name="notBuffered"/>
    /// holds the sequences (unwrapped, compared as register values) that a promoted collector reported it never
    /// buffered: missing at a handover, they are its polling's loss, not the handover's.
    /// </summary>
    public static ContinuityReport Analyze(IEnumerable<ObservedSample> samples, IReadOnlyDictionary<int, int>? recordedByPrevious = null, IReadOnlySet<long>? notBuffered = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var notBufferedRaw = (notBuffered ?? new HashSet<long>()).Select(RegisterValue).ToHashSet();
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
        long handover = 0, polling = 0, duplicates = 0, unread = 0, notRead = 0;
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
                var stint = current.Value.Stints.Min();
                long published = 0;
                if (atHandover && recordedByPrevious is not null && recordedByPrevious.TryGetValue(stint, out var recorded))
                {
                    published = Math.Clamp(Nearest(p.Key, recorded) - p.Key, 0, missing);
                }

                long unbuffered = 0;
                if (atHandover)
                {
                    for (var v = p.Key + published + 1; v < current.Key; v++)
                    {
                        unbuffered += notBufferedRaw.Contains(RegisterValue(v)) ? 1 : 0;
                    }
                }

                gaps.Add(new SequenceGap(p.Value.Raw, current.Value.Raw, missing, atHandover, current.Value.FirstSeen, stint, published, unbuffered));
                if (atHandover)
                {
                    handover += missing - published - unbuffered;
                    unread += published;
                    notRead += unbuffered;
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
            PublishedUnread = unread,
            NotBufferedAtPromotion = notRead,
        };
    }

    private static int RegisterValue(long sequence) => (int)(((sequence % SequenceUnwrapper.Ring) + SequenceUnwrapper.Ring) % SequenceUnwrapper.Ring);

    /// <summary>The unwrapped position of raw <paramref name="sequence"/> nearest to <paramref name="anchor"/>.</summary>
    private static long Nearest(long anchor, int sequence)
    {
        var anchorRaw = RegisterValue(anchor);
        var forward = (sequence - anchorRaw) & (SequenceUnwrapper.Ring - 1);
        return forward < SequenceUnwrapper.Ring / 2 ? anchor + forward : anchor - (SequenceUnwrapper.Ring - forward);
    }

    private sealed class Entry(int raw, DateTimeOffset firstSeen)
    {
        public int Raw { get; } = raw;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public HashSet<int> Stints { get; } = [];
    }
}
