namespace EdgeHa.Demo.Measurement;

/// <summary>
/// What the previous active had published when the next one took over, for the VIP reader's gap analysis: the
/// sequence it recorded in the pair Lease as the demo saw it, or, when the collectors publish over MQTT, the last
/// one the subscriber received from it, whichever is later. The Lease is polled, so a value the old holder recorded
/// just before a planned switchover can be missed; the subscriber hears every publication. A sequence published
/// there but not read through the VIP before the switch is then reported as published-unread, not as lost.
/// </summary>
public static class PublishedBefore
{
    /// <param name="leaseRecord">The 16-bit sequence seen on the Lease for the previous node, or null.</param>
    /// <param name="received">Everything the subscriber received (null without MQTT).</param>
    /// <param name="node">The previous active node.</param>
    /// <param name="from">When its publishing stint began.</param>
    /// <param name="until">When it could next publish again (the start of its next stint), or null.</param>
    /// <param name="nextFirst">The first sequence the next active published through the VIP: only what the previous one
    /// published before it counts (its own later stint can reach the subscriber before the reader sees that stint).</param>
    public static int? Sequence(int? leaseRecord, IReadOnlyList<ReceivedMessage>? received, string node, DateTimeOffset from, DateTimeOffset? until, int? nextFirst = null)
    {
        var heard = received?
            .Where(m => m.Node == node && m.DeviceSequence is { } d && m.ReceivedAt >= from && (until is null || m.ReceivedAt < until)
                && (nextFirst is not { } n || ((n - d) & 0xFFFF) is > 0 and < 0x8000))
            .LastOrDefault()?.DeviceSequence;
        if (heard is not { } h)
        {
            return leaseRecord;
        }

        // 16-bit counters: the later of the two is the one less than half the range ahead.
        return leaseRecord is { } r && ((r - h) & 0xFFFF) is > 0 and < 0x8000 ? r : h;
    }
}
