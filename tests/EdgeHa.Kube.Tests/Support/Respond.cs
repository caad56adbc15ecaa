using System.Text;
using Microsoft.AspNetCore.Http;

namespace EdgeHa.Kube.Tests.Support;

/// <summary>Canned answers for <see cref="FakeApiServer"/>.</summary>
public static class Respond
{
    public static async Task Json(HttpContext ctx, int code, string json, IDictionary<string, string>? headers = null)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            ctx.Response.Headers[k] = v;
        }

        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    }

    public static string Status(int code, string reason, string message = "msg", string? details = null) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}{{(details is null ? "" : ",\"details\":" + details)}}}""";

    /// <summary>Writes watch lines one by one, flushing each (chunked transfer); starts the response if needed.</summary>
    public static async Task WatchLines(HttpContext ctx, IEnumerable<string> lines, TimeSpan? gap = null)
    {
        if (!ctx.Response.HasStarted)
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.StartAsync(ctx.RequestAborted);
        }

        foreach (var line in lines)
        {
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (gap is { } g)
            {
                await Task.Delay(g, ctx.RequestAborted);
            }
        }
    }

    public static string Event(string type, string kind, string name, string rv, string extra = "") =>
        $$"""{"type":"{{type}}","object":{"apiVersion":"v1","kind":"{{kind}}","metadata":{"name":"{{name}}","namespace":"default","resourceVersion":"{{rv}}"}""" + extra + "}}";

    public static string Bookmark(string rv) =>
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"}}}";
}
