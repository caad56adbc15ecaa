using System.Diagnostics.Metrics;
using EdgeHa.Controller.Metrics;
using EdgeHa.TestSupport;

namespace EdgeHa.Controller.Tests;

/// <summary>A private meter, the runtime's instruments on it, and /metrics serving them, so parallel tests never share series.</summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly Meter _meter = new("EdgeHa.Controller");
    private readonly MeterScrapeServer _server;

    public TestMetrics()
    {
        Metrics = new ControllerMetrics(_meter);
        _server = MeterScrapeServer.Start(_meter);
    }

    public ControllerMetrics Metrics { get; }

    /// <summary>The value of one series, e.g. <c>workqueue_adds_total{name="q"}</c> (matched on the labels named), or null when absent.</summary>
    public double? Value(string series) => _server.Scrape().Value(series);

    public void Dispose()
    {
        _server.Dispose();
        _meter.Dispose();
    }
}
