namespace EdgeHa.Demo.Measurement;

/// <summary>A sample message as the demo's MQTT subscriber received it.</summary>
/// <param name="Sequence">The 64-bit unwrapped device sequence (the dedupe key with the pair); null when the collector reads none.</param>
/// <param name="DeviceSequence">The raw 16-bit device register.</param>
/// <param name="Epoch">The epoch stamped on the sample (a replayed sample carries the epoch it was polled in).</param>
/// <param name="Node">The node whose collector published it.</param>
/// <param name="ReceivedAt">When the subscriber received it.</param>
/// <param name="Sample">The publishing collector's local sample number: with the node, one poll (a redelivery repeats it).</param>
public sealed record ReceivedMessage(long? Sequence, int? DeviceSequence, long Epoch, string? Node, DateTimeOffset ReceivedAt, long? Sample = null);
