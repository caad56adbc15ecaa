using System.Diagnostics.Metrics;
using EdgeHa.TestSupport;

namespace EdgeHa.Hosting.Tests;

/// <summary>The programs' exporter, scraped over HTTP: names, types, buckets and what it leaves out.</summary>
public sealed class PrometheusMetricsTests
{
    [Fact]
    public async Task Scrape_PrometheusNamedInstruments_KeepTheirNamesAndTheTextFormat()
    {
        using var meter = new Meter("EdgeHa.Hosting.Tests");
        var probes = meter.CreateCounter<long>("probes_total", description: "Probes.");
        var restarts = meter.CreateCounter<long>("restarts");
        var switches = meter.CreateHistogram("switch_duration_seconds", unit: "s", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        meter.CreateObservableGauge("heap_size_bytes", () => 42L, unit: "By");
        var depth = meter.CreateUpDownCounter<long>("queue_depth");
        await using var server = await MeterScrapeServer.StartAsync(meter); // before the measurements: earlier ones are not seen
        probes.Add(3, new KeyValuePair<string, object?>("result", "success"));
        restarts.Add(1);
        switches.Record(0.5);
        depth.Add(2);
        using var http = new HttpClient();

        using var response = await http.GetAsync(server.Url);
        var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(3, scrape.Value("probes_total{result=\"success\"}"));
        Assert.Equal("counter", scrape.Types["probes_total"]);
        Assert.Equal(1, scrape.Value("restarts_total")); // a counter without the suffix gets it
        Assert.Equal("histogram", scrape.Types["switch_duration_seconds"]);
        Assert.Equal(["0.1", "1", "+Inf"], scrape.Series("switch_duration_seconds_bucket").Select(s => s.Labels["le"]));
        Assert.Equal(1, scrape.Value("switch_duration_seconds_bucket{le=\"1\"}"));
        Assert.Equal(42, scrape.Value("heap_size_bytes")); // the unit suffix is not doubled
        Assert.Equal("gauge", scrape.Types["queue_depth"]);
        Assert.DoesNotContain(scrape.Samples, s => s.Name == "target_info" || s.Labels.Keys.Any(k => k.StartsWith("otel_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Scrape_AnotherMeterOfTheSameName_IsNotServed()
    {
        using var ours = new Meter("EdgeHa.Hosting.Tests.Shared");
        using var theirs = new Meter("EdgeHa.Hosting.Tests.Shared");
        var ourPolls = ours.CreateCounter<long>("polls_total");
        var theirPolls = theirs.CreateCounter<long>("polls_total");
        await using var server = await MeterScrapeServer.StartAsync(ours);
        ourPolls.Add(1);
        theirPolls.Add(5);

        var scrape = await server.ScrapeAsync();

        Assert.Equal(1, Assert.Single(scrape.Series("polls_total")).Value);
    }

    [Fact]
    public async Task Scrape_CounterAddedZero_SeriesStartsAtZero()
    {
        using var meter = new Meter("EdgeHa.Hosting.Tests.Zero");
        var failovers = meter.CreateCounter<long>("failovers_total");
        await using var server = await MeterScrapeServer.StartAsync(meter);
        failovers.Add(0, new KeyValuePair<string, object?>("reason", "ProbeFailed"));

        Assert.Equal(0, (await server.ScrapeAsync()).Value("failovers_total{reason=\"ProbeFailed\"}"));
        failovers.Add(1, new KeyValuePair<string, object?>("reason", "ProbeFailed"));
        Assert.Equal(1, (await server.ScrapeAsync()).Value("failovers_total{reason=\"ProbeFailed\"}"));
    }
}
