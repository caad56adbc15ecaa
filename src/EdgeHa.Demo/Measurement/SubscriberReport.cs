namespace EdgeHa.Demo.Measurement;

/// <summary>What the MQTT subscriber received over a whole run, counted in pair + sequence keys.</summary>
public sealed record SubscriberReport
{
    /// <summary>Messages received with a sequence (repeats included).</summary>
    public int Received { get; init; }

    /// <summary>Messages without a sequence (no dedupe key; not counted elsewhere).</summary>
    public int WithoutSequence { get; init; }

    /// <summary>Distinct sequences: what a deduping consumer delivers.</summary>
    public long Delivered { get; init; }

    /// <summary>QoS 1 redeliveries and sequences published again by another collector (see <see cref="SubscriberTransition.Duplicates"/>).</summary>
    public long Duplicates { get; init; }

    /// <summary>Further polls of one counter value by the same collector (see <see cref="SubscriberTransition.RepeatPolls"/>).</summary>
    public long RepeatPolls { get; init; }

    public long? First { get; init; }

    public long? Last { get; init; }

    /// <summary>Sequences never received where the stream passed from one collector to another.</summary>
    public long LostAtHandover { get; init; }

    /// <summary>
    /// Sequences never received at a handover that the new active reported it never buffered (its polls missed them):
    /// lost by polling, not by the handover (counted apart from <see cref="LostAtHandover"/>).
    /// </summary>
    public long NotBufferedAtPromotion { get; init; }

    /// <summary>Sequences never received inside one collector's stream (its polling skipped a counter value).</summary>
    public long SkippedByPolling { get; init; }

    /// <summary>Distinct sequences per second over the run, as they arrived: how many samples one period is worth.</summary>
    public double? SequencesPerSecond { get; init; }

    /// <summary>Per transition, in the order given to the analyzer.</summary>
    public IReadOnlyList<SubscriberTransition> Transitions { get; init; } = [];
}
