using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeHa.Controller.Metrics;

/// <summary>Serves a <see cref="PrometheusExporter"/> from an ASP.NET Core app.</summary>
public static class PrometheusEndpoint
{
    /// <summary>Maps <c>GET <paramref name="pattern"/></c> to the exporter's text exposition.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, PrometheusExporter exporter, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(exporter);
        return endpoints.MapGet(pattern, async (HttpContext context) =>
        {
            context.Response.ContentType = PrometheusExporter.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await exporter.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
    }
}
