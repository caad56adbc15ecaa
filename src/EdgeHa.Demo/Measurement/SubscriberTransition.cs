namespace EdgeHa.Demo.Measurement;

/// <summary>
/// One change of the active node as the MQTT subscriber saw it: the stream from the new active's first message up to
/// the next change.
/// </summary>
public sealed record SubscriberTransition
{
    /// <summary>Messages received (repeats included).</summary>
    public int Received { get; init; }

    /// <summary>
    /// Messages a consumer got again: a QoS 1 redelivery (same node and sample number), or a sequence another
    /// collector had already published (the new active's replay), counted once per collector.
    /// </summary>
    public int Duplicates { get; init; }

    /// <summary>
    /// Further polls of one counter value by the same collector (it polls faster than the device counts): the same
    /// key, so the dedupe drops them, but no delivery was repeated.
    /// </summary>
    public int RepeatPolls { get; init; }

    /// <summary>What a consumer that dedupes on pair + sequence delivers: the first arrival of each sequence.</summary>
    public int Delivered { get; init; }

    /// <summary>Sequences never received, between the old active's and the new active's.</summary>
    public long Lost { get; init; }

    /// <summary>When the last message of the old active arrived before the change, if any did.</summary>
    public DateTimeOffset? LastOldAt { get; init; }

    /// <summary>When the first message of the new active arrived; null when none did.</summary>
    public DateTimeOffset? FirstNewAt { get; init; }

    /// <summary>The old active's last message to the new active's first, at the subscriber.</summary>
    public TimeSpan? Gap => FirstNewAt - LastOldAt;
}
