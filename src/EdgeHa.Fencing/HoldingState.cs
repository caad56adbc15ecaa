namespace EdgeHa.Fencing;

/// <summary>What a holder may do right now, and what it learned when its holding began.</summary>
/// <param name="Acting">True only while this identity holds the lease and its acting window has not run out.</param>
/// <param name="Epoch">The epoch of the holding (0 when not granted one).</param>
/// <param name="PreviousLastSequence">
/// The last sequence the previous holder published, read when this holding began; the new holder publishes from
/// just after it. Null when the previous holder never recorded one.
/// </param>
/// <param name="Reason">Why the state is what it is, for logs, health and metrics.</param>
/// <param name="Graceful">
/// When not acting: true when the stop is planned (a handover or shutdown) and the lease is released only after
/// <see cref="LeaseHolder.BeforeReleaseAsync"/>; false when acting must end at once (the holding ran out or was taken).
/// </param>
public sealed record HoldingState(bool Acting, long Epoch, long? PreviousLastSequence, string Reason, bool Graceful = false)
{
    public static HoldingState NotHolding(string reason, bool graceful = false) => new(false, 0, null, reason, graceful);
}
