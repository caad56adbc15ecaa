using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace EdgeHa.Hosting;

/// <summary>
/// The one metrics exporter of every program: OpenTelemetry's Prometheus exporter over System.Diagnostics.Metrics
/// meters, served at <c>/metrics</c> in the text format 0.0.4. One naming scheme follows from it: instrument names are
/// Prometheus names (<c>snake_case</c>, counters end in <c>_total</c>, durations in <c>_seconds</c> with unit "s", sizes
/// in <c>_bytes</c> with unit "By"), which the exporter keeps as they are because they already carry those suffixes.
/// <list type="bullet">
/// <item>No <c>otel_scope_name</c> / <c>otel_scope_version</c> labels: controller-runtime's dashboards and our alerts
/// aggregate by their own labels, and an extra label on every series only splits them.</item>
/// <item>No <c>target_info</c>: Prometheus' <c>job</c> and <c>instance</c> identify the target, and we set no resource
/// attributes worth joining on.</item>
/// <item>No response cache: a scrape reads the instruments now (the exporter's 300 ms default would hand a test or a
/// second scraper a stale page).</item>
/// <item>Only the given <see cref="Meter"/> instances, not every meter of the same name in the process: tests, the demo
/// and the sandbox host several collectors or simulators in one process, and each must serve only its own series.</item>
/// </list>
/// Build the provider before the first measurement: a synchronous instrument's measurements made while nothing listens
/// are not seen (observable ones are read at each scrape).
/// </summary>
public static class PrometheusMetrics
{
    /// <summary>OpenTelemetry's default number of series per instrument; beyond it measurements go to an overflow series.</summary>
    public const int DefaultSeriesLimit = 2000;

    /// <summary>
    /// Builds a meter provider exporting the instruments of <paramref name="meters"/>. <paramref name="seriesLimit"/>
    /// (default <see cref="DefaultSeriesLimit"/>) raises the series limit of one instrument: the exporter allocates that
    /// many points up front, so only instruments with a series per pair should ask for more.
    /// </summary>
    public static MeterProvider CreateProvider(IReadOnlyCollection<Meter> meters, Func<Instrument, int?>? seriesLimit = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        return Sdk.CreateMeterProviderBuilder()
            .AddMeter([.. meters.Select(m => m.Name).Distinct(StringComparer.Ordinal)])
            .AddView(instrument =>
                !meters.Any(m => ReferenceEquals(m, instrument.Meter)) ? MetricStreamConfiguration.Drop
                : seriesLimit?.Invoke(instrument) is { } limit ? new MetricStreamConfiguration { CardinalityLimit = limit }
                : null)
            .AddPrometheusExporter(o =>
            {
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            })
            .Build();
    }

    /// <summary>Maps <c>GET /metrics</c> to the Prometheus exporter of <paramref name="provider"/>.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, MeterProvider provider)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(provider);
        return endpoints.MapPrometheusScrapingEndpoint("/metrics", provider, configureBranchedPipeline: null, optionsName: null);
    }
}
