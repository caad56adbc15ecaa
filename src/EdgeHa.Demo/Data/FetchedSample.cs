namespace EdgeHa.Demo.Data;

/// <summary>A sample as the collector's <c>GET /samples</c> returns it.</summary>
/// <param name="Number">The collector's local sample number.</param>
/// <param name="Sequence">The device sequence register, when the collector reads one.</param>
/// <param name="Epoch">The epoch stamped on the sample.</param>
public sealed record FetchedSample(long Number, int? Sequence, long Epoch);

/// <summary>One answer of <c>GET /samples</c>.</summary>
/// <param name="Role">The answering collector's role.</param>
/// <param name="Samples">Published samples, oldest first.</param>
public sealed record SampleBatch(string? Role, IReadOnlyList<FetchedSample> Samples);
