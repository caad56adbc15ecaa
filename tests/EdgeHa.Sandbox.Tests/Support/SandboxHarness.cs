using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests.Support;

/// <summary>A sandbox API server on a free port plus an HttpClient that trusts it; every call has a timeout.</summary>
internal sealed class SandboxHarness : IAsyncDisposable
{
    private SandboxHarness(SandboxApiServer server)
    {
        Server = server;
        Http = server.CreateHttpClient(TimeSpan.FromSeconds(10));
    }

    public SandboxApiServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<SandboxHarness> StartAsync(Action<SandboxApiServerOptions>? configure = null)
    {
        var options = new SandboxApiServerOptions { Port = 0 };
        configure?.Invoke(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return new SandboxHarness(await SandboxApiServer.StartAsync(options, cancellationToken: cts.Token));
    }

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    public async Task<Response> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Response(response.StatusCode, text.Length == 0 || text[0] is not ('{' or '[') ? null : JsonNode.Parse(text), response.Headers.RetryAfter?.Delta, text);
    }

    public Task<Response> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<Response> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body);

    public Task<Response> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body);

    public Task<Response> PatchAsync(string path, JsonNode body, string contentType = "application/merge-patch+json") => SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<Response> DeleteAsync(string path, JsonNode? options = null) => SendAsync(HttpMethod.Delete, path, options);

    /// <summary>Creates and asserts 201; returns the stored object.</summary>
    public async Task<JsonObject> CreateAsync(string path, string json)
    {
        var r = await PostAsync(path, Json(json));
        Assert.True(r.Status == HttpStatusCode.Created, $"create {path} answered {(int)r.Status}: {r.Body?.ToJsonString()}");
        return r.Object;
    }

    public Task<JsonObject> CreateConfigMapAsync(string name, string ns = "default", string labels = "{}") =>
        CreateAsync($"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":""" + "\"" + name + "\",\"labels\":" + labels + """},"data":{"k":"v"}}""");

    public async Task<WatchStream> WatchAsync(string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new WatchStream(request, response, await response.Content.ReadAsStreamAsync(cts.Token));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    internal sealed record Response(HttpStatusCode Status, JsonNode? Body, TimeSpan? RetryAfter, string Raw)
    {
        public JsonObject Object => Body as JsonObject ?? throw new InvalidOperationException("no JSON object in the response");

        public string? Str(string path) => TableConverter.Evaluate(Body, path)?.ToString();
    }

    /// <summary>Reads watch events line by line, each read bounded by a timeout.</summary>
    internal sealed class WatchStream(HttpRequestMessage request, HttpResponseMessage response, Stream stream) : IDisposable
    {
        private readonly StreamReader _reader = new(stream);

        /// <summary>The next event, or null when the server ended the stream.</summary>
        public async Task<JsonObject?> NextAsync(TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
            var line = await _reader.ReadLineAsync(cts.Token);
            return line is null ? null : JsonNode.Parse(line)!.AsObject();
        }

        /// <summary>The next event that is not a BOOKMARK.</summary>
        public async Task<JsonObject?> NextChangeAsync()
        {
            while (true)
            {
                var e = await NextAsync();
                if (e is null || e["type"]!.GetValue<string>() != "BOOKMARK")
                {
                    return e;
                }
            }
        }

        public void Dispose()
        {
            _reader.Dispose();
            response.Dispose();
            request.Dispose();
        }
    }
}
