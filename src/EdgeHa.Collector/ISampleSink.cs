namespace EdgeHa.Collector;

/// <summary>
/// Where published samples go (stdout, the Modbus gateway, an MQTT broker). The <see cref="SampleOutbox"/> calls
/// <see cref="WriteAsync"/> one sample at a time, in publication order, from one task.
/// </summary>
public interface ISampleSink
{
    /// <summary>Short name for health reasons and metric labels (stdout, modbus-gateway, mqtt).</summary>
    string Name { get; }

    /// <summary>Why the sink cannot deliver now (broker unreachable, credentials refused), or null.</summary>
    string? Problem => null;

    /// <summary>
    /// Writes one sample. <paramref name="mayEmit"/> is the fence: the sink calls it right before the write leaves
    /// and writes nothing when it returns false. Returns true only when the sample was written and acknowledged
    /// (flushed to stdout, PUBACK from the broker); false when nothing or not certainly anything was delivered.
    /// </summary>
    ValueTask<bool> WriteAsync(Sample sample, Func<bool> mayEmit, CancellationToken cancellationToken);
}
