using System.Diagnostics.Metrics;

namespace EdgeHa.Kube.Tests;

public sealed class KubeClientMetricsTests
{
    [Fact]
    public void RecordRequest_PublishesCounterAndHistogramWithCodeMethodAndVerb()
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
        Assert.Equal("TEST-VERB", count.Tags["method"]);
        Assert.False(count.Tags.ContainsKey("host"));
        var duration = Assert.Single(seen, s => s.Name == "rest_client_request_duration_seconds" && (string?)s.Tags["verb"] == "test-verb");
        Assert.Equal(0.25, duration.Value, 3);
        Assert.Equal(1, KubeClientMetrics.RequestCounts[("test-verb", "418")]);
        Assert.Equal((1L, 0.25), KubeClientMetrics.RequestDurations["test-verb"]);

        KubeClientMetrics.RecordRequest("test-verb", "200", TimeSpan.Zero, "GET", "10.0.0.1:6443");
        var withHost = Assert.Single(seen, s => s.Name == "rest_client_requests_total" && (string?)s.Tags["code"] == "200" && (string?)s.Tags["verb"] == "test-verb");
        Assert.Equal("GET", withHost.Tags["method"]);
        Assert.Equal("10.0.0.1:6443", withHost.Tags["host"]);

        void Capture(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (seen)
            {
                seen.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        }
    }

    [Theory]
    [InlineData("get", "GET")]
    [InlineData("list", "GET")]
    [InlineData("watch", "GET")]
    [InlineData("create", "POST")]
    [InlineData("update", "PUT")]
    [InlineData("patch", "PATCH")]
    [InlineData("delete", "DELETE")]
    public void MethodOf_ApiVerb_IsTheHttpMethodClientGoReports(string verb, string method) =>
        Assert.Equal(method, KubeClientMetrics.MethodOf(verb));
}
