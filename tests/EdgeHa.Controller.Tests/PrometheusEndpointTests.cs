using System.Diagnostics.Metrics;
using EdgeHa.Controller.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeHa.Controller.Tests;

public class PrometheusEndpointTests
{
    [Fact]
    public async Task MapPrometheusMetrics_Get_ServesTextFormat()
    {
        using var meter = new Meter($"EdgeHa.Endpoint.Tests.{Guid.NewGuid():N}");
        using var exporter = new PrometheusExporter([meter.Name]);
        meter.CreateCounter<long>("probes_total").Add(3);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPrometheusMetrics(exporter);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(cts.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative), cts.Token);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("# TYPE probes_total counter\nprobes_total 3\n", await response.Content.ReadAsStringAsync(cts.Token));
        await app.StopAsync(cts.Token);
    }
}
