namespace EdgeHa.Demo.Measurement;

/// <summary>Device sequence numbers nobody published, between two that were.</summary>
/// <param name="After">The raw sequence published just before the gap.</param>
/// <param name="Before">The raw sequence published just after the gap.</param>
/// <param name="Missing">How many values are missing.</param>
/// <param name="AtHandover">
/// True when the gap lies between two different stints (the switch lost them); false when one collector's own stream
/// skipped them (its polling did not catch those counter values, which is not a failover loss).
/// </param>
/// <param name="ObservedAt">When the sample after the gap was first seen.</param>
/// <param name="Stint">The (first) stint that published the sample after the gap.</param>
/// <param name="PublishedUnread">
/// Of the missing numbers at a handover, how many the previous collector had published and recorded in the pair
/// Lease (so the new one rightly did not publish them again) but that were not read before it crashed.
/// </param>
/// <param name="NotBuffered">
/// Of the missing numbers at a handover, how many the new active reported it never buffered (edgeha.io/promotion-gap:
/// its standby polls missed them): lost to the consumer, by polling, not by the handover.
/// </param>
public sealed record SequenceGap(int After, int Before, long Missing, bool AtHandover, DateTimeOffset ObservedAt, int Stint, long PublishedUnread = 0, long NotBuffered = 0)
{
    /// <summary>Missing numbers the handover lost: nobody published them though the new active had buffered them.</summary>
    public long Lost => Missing - PublishedUnread - NotBuffered;
}
