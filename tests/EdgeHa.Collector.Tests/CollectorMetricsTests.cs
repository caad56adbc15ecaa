using EdgeHa.Modbus;
using EdgeHa.TestSupport;

namespace EdgeHa.Collector.Tests;

/// <summary>The collector's instruments as /metrics serves them (through the programs' exporter).</summary>
public sealed class CollectorMetricsTests : IAsyncLifetime
{
    private readonly CollectorMetrics _metrics;
    private MeterScrapeServer? _server;
    private CollectorState _state = new(CollectorRole.Standby, false, "why", null, null, 0);

    public CollectorMetricsTests() => _metrics = new CollectorMetrics(() => _state);

    public async Task InitializeAsync() => _server = await MeterScrapeServer.StartAsync(_metrics.Meter);

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Scrape_State_ReportsRoleAsOneHotGaugeAndHealth()
    {
        var scrape = await _server!.ScrapeAsync();

        Assert.Equal(1, scrape.Value("edgeha_collector_role{role=\"standby\"}"));
        Assert.Equal(0, scrape.Value("edgeha_collector_role{role=\"active\"}"));
        Assert.Equal(0, scrape.Value("edgeha_collector_healthy"));
        Assert.Empty(scrape.Series("edgeha_collector_device_sequence"));
        Assert.Empty(scrape.Series("edgeha_collector_last_success_timestamp_seconds"));
        Assert.Equal(0, scrape.Value("edgeha_collector_samples_published_total")); // counters exist from the start, at zero
        Assert.Equal("counter", scrape.Types["edgeha_collector_samples_published_total"]);
    }

    [Fact]
    public async Task Scrape_PollsAndErrors_FillHistogramAndLabelledCounters()
    {
        _metrics.OnPoll(TimeSpan.FromMilliseconds(3));
        _metrics.OnPoll(TimeSpan.FromMilliseconds(40));
        _metrics.OnPollFailed(PollErrorKind.Exception, ModbusExceptionCode.GatewayTargetFailedToRespond);
        _metrics.OnPollFailed(PollErrorKind.Timeout, null);
        _state = new CollectorState(CollectorRole.Active, true, "ok", DateTimeOffset.UnixEpoch.AddSeconds(10), 7, 2);

        var scrape = await _server!.ScrapeAsync();

        Assert.Equal(0, scrape.Value("edgeha_collector_poll_duration_seconds_bucket{le=\"0.0025\"}"));
        Assert.Equal(1, scrape.Value("edgeha_collector_poll_duration_seconds_bucket{le=\"0.005\"}"));
        Assert.Equal(2, scrape.Value("edgeha_collector_poll_duration_seconds_bucket{le=\"0.05\"}"));
        Assert.Equal(2, scrape.Value("edgeha_collector_poll_duration_seconds_count"));
        Assert.Equal(4, scrape.Value("edgeha_collector_polls_total"));
        Assert.Equal(1, scrape.Value("edgeha_collector_poll_errors_total{kind=\"exception\",code=\"11\"}"));
        Assert.Equal(1, scrape.Value("edgeha_collector_poll_errors_total{kind=\"timeout\",code=\"none\"}"));
        Assert.Equal(10, scrape.Value("edgeha_collector_last_success_timestamp_seconds"));
        Assert.Equal(7, scrape.Value("edgeha_collector_device_sequence"));
        Assert.Equal(1, scrape.Value("edgeha_collector_role{role=\"active\"}"));
    }
}
