using System.Diagnostics.Metrics;
using EdgeHa.Controller.Metrics;

namespace EdgeHa.Controller.Tests;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new($"EdgeHa.Exporter.Tests.{Guid.NewGuid():N}");

    public void Dispose() => _meter.Dispose();

    [Fact]
    public void Render_EveryInstrumentKind_MatchesGoldenText()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        var requests = _meter.CreateCounter<long>("http_requests_total", description: "Requests served.");
        var inflight = _meter.CreateUpDownCounter<int>("inflight", description: "In flight.");
        var temperature = _meter.CreateGauge<double>("temperature_celsius");
        var latency = _meter.CreateHistogram(
            "latency_seconds",
            description: "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        _meter.CreateObservableGauge("queue_length", () => new Measurement<long>(7, new KeyValuePair<string, object?>("queue", "b")), description: "Queue length.");
        _meter.CreateObservableCounter("cpu_seconds_total", () => 12.5, description: "CPU.");

        requests.Add(2, new("code", "200"), new("method", "GET"));
        requests.Add(1, new("method", "GET"), new("code", "200")); // same series, tags in another order
        requests.Add(1, new KeyValuePair<string, object?>("code", "500"), new("method", "POST"));
        inflight.Add(3);
        inflight.Add(-1);
        temperature.Record(21.5, new KeyValuePair<string, object?>("room", "a\"b\\c\nd"));
        latency.Record(0.05);
        latency.Record(0.5);
        latency.Record(5);

        const string expected =
            "# HELP cpu_seconds_total CPU.\n" +
            "# TYPE cpu_seconds_total counter\n" +
            "cpu_seconds_total 12.5\n" +
            "# HELP http_requests_total Requests served.\n" +
            "# TYPE http_requests_total counter\n" +
            "http_requests_total{code=\"200\",method=\"GET\"} 3\n" +
            "http_requests_total{code=\"500\",method=\"POST\"} 1\n" +
            "# HELP inflight In flight.\n" +
            "# TYPE inflight gauge\n" +
            "inflight 2\n" +
            "# HELP latency_seconds Latency.\n" +
            "# TYPE latency_seconds histogram\n" +
            "latency_seconds_bucket{le=\"0.1\"} 1\n" +
            "latency_seconds_bucket{le=\"1\"} 2\n" +
            "latency_seconds_bucket{le=\"+Inf\"} 3\n" +
            "latency_seconds_sum 5.55\n" +
            "latency_seconds_count 3\n" +
            "# HELP queue_length Queue length.\n" +
            "# TYPE queue_length gauge\n" +
            "queue_length{queue=\"b\"} 7\n" +
            "# TYPE temperature_celsius gauge\n" +
            "temperature_celsius{room=\"a\\\"b\\\\c\\nd\"} 21.5\n";
        Assert.Equal(expected, exporter.Render());
    }

    [Fact]
    public void Render_HistogramWithLabels_LeComesLastAndBucketsAreCumulative()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        var h = _meter.CreateHistogram("d", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] });

        h.Record(1, new KeyValuePair<string, object?>("x", "y"));
        h.Record(1.5, new KeyValuePair<string, object?>("x", "y"));

        Assert.Equal(
            "# TYPE d histogram\n" +
            "d_bucket{x=\"y\",le=\"1\"} 1\n" +
            "d_bucket{x=\"y\",le=\"2\"} 2\n" +
            "d_bucket{x=\"y\",le=\"+Inf\"} 2\n" +
            "d_sum{x=\"y\"} 2.5\n" +
            "d_count{x=\"y\"} 2\n",
            exporter.Render());
    }

    [Fact]
    public void Render_HistogramNaNMeasurement_CreatesTheSeriesAtZero()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        var h = _meter.CreateHistogram("d", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });

        h.Record(double.NaN, new KeyValuePair<string, object?>("x", "y"));
        var declared = exporter.Render();
        h.Record(0.5, new KeyValuePair<string, object?>("x", "y"));
        h.Record(double.NaN, new KeyValuePair<string, object?>("x", "y"));

        Assert.Equal("# TYPE d histogram\nd_bucket{x=\"y\",le=\"1\"} 0\nd_bucket{x=\"y\",le=\"+Inf\"} 0\nd_sum{x=\"y\"} 0\nd_count{x=\"y\"} 0\n", declared);
        Assert.Equal("# TYPE d histogram\nd_bucket{x=\"y\",le=\"1\"} 1\nd_bucket{x=\"y\",le=\"+Inf\"} 1\nd_sum{x=\"y\"} 0.5\nd_count{x=\"y\"} 1\n", exporter.Render());
    }

    [Fact]
    public void Render_HistogramWithoutAdvice_UsesDefaultBuckets()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        _meter.CreateHistogram<double>("h").Record(0.003);

        var text = exporter.Render();

        Assert.Contains("h_bucket{le=\"0.005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("h_bucket{le=\"10\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(PrometheusExporter.DefaultBuckets.Count + 1, text.Split('\n').Count(l => l.StartsWith("h_bucket", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_OtherMeter_IsIgnored()
    {
        using var other = new Meter($"Other.{Guid.NewGuid():N}");
        using var exporter = new PrometheusExporter([_meter.Name]);

        other.CreateCounter<long>("foreign_total").Add(1);

        Assert.Equal("", exporter.Render());
    }

    [Fact]
    public void Render_InvalidNames_AreSanitized()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);

        _meter.CreateCounter<long>("edgeha.probe-failures").Add(1, new KeyValuePair<string, object?>("node.name", "n1"));

        Assert.Contains("edgeha_probe_failures{node_name=\"n1\"} 1\n", exporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ObservableSeriesNoLongerReported_Disappears()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        var report = true;
        _meter.CreateObservableGauge("g", () => report ? [new Measurement<int>(1, new KeyValuePair<string, object?>("k", "v"))] : Array.Empty<Measurement<int>>());
        Assert.Contains("g{k=\"v\"} 1", exporter.Render(), StringComparison.Ordinal);

        report = false;

        Assert.DoesNotContain("g{", exporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_GaugeSpecialValues_UsePrometheusSpelling()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        var g = _meter.CreateGauge<double>("g");
        g.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("k", "a"));
        g.Record(double.NaN, new KeyValuePair<string, object?>("k", "b"));
        g.Record(1e-9, new KeyValuePair<string, object?>("k", "c"));

        var text = exporter.Render();

        Assert.Contains("g{k=\"a\"} +Inf\n", text, StringComparison.Ordinal);
        Assert.Contains("g{k=\"b\"} NaN\n", text, StringComparison.Ordinal);
        Assert.Contains("g{k=\"c\"} 1E-09\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TwoMetersSameInstrumentName_ShareOneFamily()
    {
        using var second = new Meter($"{_meter.Name}.2");
        using var exporter = new PrometheusExporter([_meter.Name, second.Name]);

        _meter.CreateCounter<long>("shared_total").Add(1, new KeyValuePair<string, object?>("m", "1"));
        second.CreateCounter<long>("shared_total").Add(2, new KeyValuePair<string, object?>("m", "2"));

        var text = exporter.Render();
        Assert.Equal(1, text.Split('\n').Count(l => l == "# TYPE shared_total counter"));
        Assert.Contains("shared_total{m=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("shared_total{m=\"2\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MeterDisposed_ItsSeriesVanish()
    {
        var meter = new Meter($"Temp.{Guid.NewGuid():N}");
        using var exporter = new PrometheusExporter([meter.Name]);
        meter.CreateCounter<long>("temp_total").Add(1);
        Assert.Contains("temp_total 1", exporter.Render(), StringComparison.Ordinal);

        meter.Dispose();

        Assert.Equal("", exporter.Render());
    }

    [Fact]
    public async Task WriteAsync_Stream_WritesUtf8Text()
    {
        using var exporter = new PrometheusExporter([_meter.Name]);
        _meter.CreateCounter<long>("c_total").Add(1, new KeyValuePair<string, object?>("l", "ü"));
        using var stream = new MemoryStream();

        await exporter.WriteAsync(stream);

        Assert.Equal("# TYPE c_total counter\nc_total{l=\"ü\"} 1\n", System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", PrometheusExporter.ContentType);
    }

    [Theory]
    [InlineData("ok_name", "ok_name")]
    [InlineData("9lives", "_lives")]
    [InlineData("a:b", "a:b")]
    [InlineData("a-b.c d", "a_b_c_d")]
    public void SanitizeMetricName_Input_ValidName(string input, string expected) =>
        Assert.Equal(expected, PrometheusExporter.SanitizeMetricName(input));

    [Fact]
    public void SanitizeLabelName_Colon_Replaced() => Assert.Equal("a_b", PrometheusExporter.SanitizeLabelName("a:b"));
}
