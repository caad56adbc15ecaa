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
public sealed record SequenceGap(int After, int Before, long Missing, bool AtHandover, DateTimeOffset ObservedAt, int Stint);
