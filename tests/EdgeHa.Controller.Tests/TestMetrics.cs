using System.Diagnostics.Metrics;
using System.Globalization;
using EdgeHa.Controller.Metrics;

namespace EdgeHa.Controller.Tests;

/// <summary>A private meter, the runtime's instruments on it, and an exporter reading them, so parallel tests never share series.</summary>
internal sealed class TestMetrics : IDisposable
{
    private readonly Meter _meter = new($"EdgeHa.Controller.Tests.{Guid.NewGuid():N}");

    public TestMetrics()
    {
        Metrics = new ControllerMetrics(_meter);
        Exporter = new PrometheusExporter([_meter.Name]);
    }

    public ControllerMetrics Metrics { get; }

    public PrometheusExporter Exporter { get; }

    /// <summary>The value of one exact series, e.g. <c>workqueue_adds_total{name="q"}</c>, or null when absent.</summary>
    public double? Value(string series)
    {
        foreach (var line in Exporter.Render().Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    public void Dispose()
    {
        Exporter.Dispose();
        _meter.Dispose();
    }
}
