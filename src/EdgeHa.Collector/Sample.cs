namespace EdgeHa.Collector;

/// <summary>One successful poll of every configured block.</summary>
/// <param name="Number">Local sample number: 1, 2, 3, ... for the life of the process, never reused.</param>
/// <param name="Timestamp">When the poll completed.</param>
/// <param name="Sequence">The device's sequence register, when one is configured.</param>
/// <param name="Epoch">The promotion epoch the sample was taken under (0 until the operator sets it).</param>
/// <param name="Blocks">The values, one entry per configured block in configuration order.</param>
/// <param name="UnwrappedSequence">
/// The device sequence made 64-bit by this collector (it counts the wraps of the 16-bit register it has seen).
/// </param>
public sealed record Sample(long Number, DateTimeOffset Timestamp, int? Sequence, long Epoch, IReadOnlyList<BlockValues> Blocks, long? UnwrappedSequence = null);

/// <summary>The values read for one block: registers for register tables, bits for coils and discrete inputs.</summary>
public sealed record BlockValues(ReadBlock Block, IReadOnlyList<ushort>? Registers, IReadOnlyList<bool>? Bits);
