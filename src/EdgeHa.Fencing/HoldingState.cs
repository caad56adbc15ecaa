namespace EdgeHa.Fencing;

/// <summary>What a holder may do right now, and what it learned when its holding began.</summary>
/// <param name="Acting">True only while this identity holds the lease and its acting window has not run out.</param>
/// <param name="Epoch">The epoch of the holding (0 when not granted one).</param>
/// <param name="PreviousLastSequence">
/// The last sequence the previous holder published, read when this holding began; the new holder publishes from
/// just after it. Null when the previous holder never recorded one.
/// </param>
/// <param name="Reason">Why the state is what it is, for logs, health and metrics.</param>
public sealed record HoldingState(bool Acting, long Epoch, long? PreviousLastSequence, string Reason)
{
    public static HoldingState NotHolding(string reason) => new(false, 0, null, reason);
}
