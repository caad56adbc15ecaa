using EdgeHa.Fencing;

namespace EdgeHa.Demo.Scenario;

/// <summary>The pair Lease as the demo reads it.</summary>
/// <param name="Holder">spec.holderIdentity (the holding pod), empty or null when released.</param>
/// <param name="LastPublishedSequence">
/// The annotation edgeha.io/last-published-sequence the holder writes at each renewal, as the device register value
/// (0..65535) the demo compares samples with; the annotation itself is unwrapped to 64 bits.
/// </param>
/// <param name="PromotionGap">
/// The holder's report (edgeha.io/promotion-gap) that its promotion could not replay every sequence after the previous
/// holder's last one: its buffer never had them. Null when there is none.
/// </param>
public sealed record LeaseSnapshot(string? Holder, int? LastPublishedSequence, PromotionGap? PromotionGap = null);
