namespace EdgeHa.Demo.Measurement;

/// <summary>A sample read through the VIP.</summary>
/// <param name="Sequence">The device's sequence register (0..65535).</param>
/// <param name="Stint">Which publishing stint it came from: a run of reads answered by the same collector.</param>
/// <param name="ObservedAt">When the demo received it.</param>
/// <param name="Epoch">The epoch the collector stamped on it.</param>
public sealed record ObservedSample(int Sequence, int Stint, DateTimeOffset ObservedAt, long Epoch = 0);
