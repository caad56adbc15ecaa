using System.Diagnostics.Metrics;

namespace EdgeHa.Kube.Tests;

public sealed class KubeClientMetricsTests
{
    [Fact]
    public void RecordRequest_PublishesCounterAndHistogramWithVerbAndCode()
    {
        var seen = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KubeClientMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Capture(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Capture(i, v, tags));
        listener.Start();

        KubeClientMetrics.RecordRequest("test-verb", "418", TimeSpan.FromMilliseconds(250));

        var count = Assert.Single(seen, s => s.Name == "rest_client_requests_total" && (string?)s.Tags["verb"] == "test-verb");
        Assert.Equal(1, count.Value);
        Assert.Equal("418", count.Tags["code"]);
        var duration = Assert.Single(seen, s => s.Name == "rest_client_request_duration_seconds" && (string?)s.Tags["verb"] == "test-verb");
        Assert.Equal(0.25, duration.Value, 3);
        Assert.Equal(1, KubeClientMetrics.RequestCounts[("test-verb", "418")]);
        Assert.Equal((1L, 0.25), KubeClientMetrics.RequestDurations["test-verb"]);

        void Capture(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (seen)
            {
                seen.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        }
    }
}
