using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Kube.Tests.Support;

/// <summary>One request as the fake server saw it.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    string? ContentType,
    string? Authorization,
    string? Accept,
    string Body,
    string? ClientCertificateSubject);

/// <summary>
/// A tiny API server on 127.0.0.1 (Kestrel, port 0) whose answers come from <see cref="Handler"/>. Records every
/// request. Optionally HTTPS with a given server certificate, asking for a client certificate.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private FakeApiServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>Answers a request; receives the request number (1-based) so handlers can script sequences.</summary>
    public Func<HttpContext, int, Task> Handler { get; set; } = (ctx, _) =>
    {
        ctx.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public static async Task<FakeApiServer> StartAsync(X509Certificate2? serverCertificate = null, Func<HttpContext, int, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
        }));
        var app = builder.Build();
        FakeApiServer? self = null;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            var clientCert = ctx.Connection.ClientCertificate ?? (ctx.Request.IsHttps ? await ctx.Connection.GetClientCertificateAsync(ctx.RequestAborted) : null);
            self!.Requests.Enqueue(new RecordedRequest(
                ctx.Request.Method,
                ctx.Request.Path.Value ?? "",
                ctx.Request.QueryString.Value ?? "",
                ctx.Request.ContentType,
                ctx.Request.Headers.Authorization.FirstOrDefault(),
                ctx.Request.Headers.Accept.FirstOrDefault(),
                body,
                clientCert?.Subject));
            var n = Interlocked.Increment(ref self._count);
            await self.Handler(ctx, n);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        var port = new Uri(address).Port;
        self = new FakeApiServer(app, new Uri($"{(serverCertificate is null ? "http" : "https")}://127.0.0.1:{port}"));
        if (handler is not null)
        {
            self.Handler = handler;
        }

        return self;
    }

    public RecordedRequest Last => Requests.Last();

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
