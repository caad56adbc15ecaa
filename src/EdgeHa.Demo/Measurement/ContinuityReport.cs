namespace EdgeHa.Demo.Measurement;

/// <summary>What the published stream looked like, counted in device sequence numbers.</summary>
public sealed record ContinuityReport
{
    /// <summary>Samples read (repeat reads of the same counter value included).</summary>
    public int SamplesRead { get; init; }

    /// <summary>Distinct device sequence numbers published.</summary>
    public long DistinctSequences { get; init; }

    /// <summary>The first and last raw sequence published, when any was.</summary>
    public int? First { get; init; }

    public int? Last { get; init; }

    /// <summary>How many publishing stints (collectors in turn) the stream had.</summary>
    public int Stints { get; init; }

    /// <summary>Sequence numbers lost between two stints: what a switch lost (nobody published them).</summary>
    public long LostAtHandover { get; init; }

    /// <summary>
    /// Sequence numbers at a handover that the crashed collector had published and recorded in the pair Lease, but
    /// that were not read through the VIP before it crashed (the new active rightly starts after them).
    /// </summary>
    public long PublishedUnread { get; init; }

    /// <summary>
    /// Sequence numbers missing at a handover that the new active reported it never buffered (its standby polls
    /// missed them, or its buffer did not reach back): lost to the consumer by polling, not by the handover protocol.
    /// </summary>
    public long NotBufferedAtPromotion { get; init; }

    /// <summary>Sequence numbers one collector's own stream skipped (polling slower than the device at that moment).</summary>
    public long MissedByPolling { get; init; }

    /// <summary>Sequence numbers published by more than one stint (each extra stint counts once).</summary>
    public long Duplicates { get; init; }

    public IReadOnlyList<SequenceGap> Gaps { get; init; } = [];

    /// <summary>Duplicates by the stint that published them again (the later one).</summary>
    public IReadOnlyDictionary<int, long> DuplicatesByStint { get; init; } = new Dictionary<int, long>();

    /// <summary>Sequence numbers lost at the start of <paramref name="stint"/> (between it and the stint before).</summary>
    public long LostEnteringStint(int stint) => Gaps.Where(g => g.AtHandover && g.Stint == stint).Sum(g => g.Lost);

    /// <summary>Published-but-unread numbers at the start of <paramref name="stint"/>.</summary>
    public long UnreadEnteringStint(int stint) => Gaps.Where(g => g.AtHandover && g.Stint == stint).Sum(g => g.PublishedUnread);

    /// <summary>Duplicates published by <paramref name="stint"/> that an earlier stint had published.</summary>
    public long DuplicatesOfStint(int stint) => DuplicatesByStint.GetValueOrDefault(stint);

    /// <summary>Every missing number, whatever the cause.</summary>
    public long Lost => LostAtHandover + MissedByPolling + PublishedUnread + NotBufferedAtPromotion;
}
