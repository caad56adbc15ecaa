using System.Diagnostics.Metrics;
using EdgeHa.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace EdgeHa.TestSupport;

/// <summary>
/// Serves meters at /metrics on a loopback port through the programs' exporter (<see cref="PrometheusMetrics"/>), for
/// tests of instruments that have no program around them: what they assert is what Prometheus would scrape.
/// </summary>
public sealed class MeterScrapeServer : IAsyncDisposable, IDisposable
{
    private readonly MeterProvider _provider;
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private MeterScrapeServer(MeterProvider provider, WebApplication app, Uri url)
    {
        _provider = provider;
        _app = app;
        Url = url;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Url { get; }

    public static async Task<MeterScrapeServer> StartAsync(params Meter[] meters)
    {
        var provider = PrometheusMetrics.CreateProvider(meters);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPrometheusMetrics(provider);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MeterScrapeServer(provider, app, new Uri(new Uri(address), "/metrics"));
    }

    /// <summary>Synchronous start for a test class's constructor.</summary>
    public static MeterScrapeServer Start(params Meter[] meters) => StartAsync(meters).GetAwaiter().GetResult();

    public Task<PrometheusScrape> ScrapeAsync(CancellationToken cancellationToken = default) => PrometheusScrape.GetAsync(_http, Url, cancellationToken);

    /// <summary>A scrape for synchronous assertions and wait conditions.</summary>
    public PrometheusScrape Scrape() => ScrapeAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        _provider.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
