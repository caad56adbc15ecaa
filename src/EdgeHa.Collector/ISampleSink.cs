namespace EdgeHa.Collector;

/// <summary>Receives each published sample in publication order. Must not block: it is called under the publish lock.</summary>
public interface ISampleSink
{
    void Publish(Sample sample);
}
