using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace EdgeHa.Demo.Data;

/// <summary>
/// Reads <c>GET /samples</c> over HTTP with a new TCP connection per request: through a VIP a kept-alive connection
/// would stay pinned to the old backend and hide the switch.
/// </summary>
public sealed class HttpSampleFetcher : ISampleFetcher, IDisposable
{
    /// <summary>Most samples asked for at once (the collector's own limit).</summary>
    public const int Limit = 10_000;

    private readonly HttpClient _http;

    public HttpSampleFetcher(TimeSpan timeout)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, ConnectTimeout = timeout, UseProxy = false })
        {
            Timeout = timeout,
        };
    }

    public async Task<SampleBatch> FetchAsync(IPEndPoint endpoint, int? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var query = after is { } a ? $"?after={a.ToString(CultureInfo.InvariantCulture)}&limit={Limit}" : $"?limit={Limit}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{endpoint}/samples{query}"));
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new SampleFetchException($"HTTP {(int)response.StatusCode}: {Truncate(body.Trim())}");
            }

            return Parse(body);
        }
        catch (HttpRequestException e)
        {
            throw new SampleFetchException(Describe(e), e);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // A forwarder that accepts and closes at once can surface as a bare socket error.
            throw new SampleFetchException($"connection dropped: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SampleFetchException($"no answer within {_http.Timeout.TotalMilliseconds} ms", e);
        }
    }

    /// <summary>Parses the collector's answer: <c>{"role":"active","samples":[{"sample":1,"sequence":7,"epoch":2,...}]}</c>.</summary>
    public static SampleBatch Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var role = root.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var samples = new List<FetchedSample>();
            if (root.TryGetProperty("samples", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in list.EnumerateArray())
                {
                    var number = s.TryGetProperty("sample", out var n) && n.TryGetInt64(out var nv) ? nv : 0;
                    int? sequence = s.TryGetProperty("sequence", out var q) && q.ValueKind == JsonValueKind.Number && q.TryGetInt32(out var qv) && qv is >= 0 and <= 65535 ? qv : null;
                    var epoch = s.TryGetProperty("epoch", out var e) && e.TryGetInt64(out var ev) ? ev : 0;
                    samples.Add(new FetchedSample(number, sequence, epoch));
                }
            }

            return new SampleBatch(role, samples);
        }
        catch (JsonException e)
        {
            throw new SampleFetchException($"not a samples answer: {e.Message}", e);
        }
    }

    public void Dispose() => _http.Dispose();

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => $"{s.SocketErrorCode}: {s.Message}",
        IOException io => $"connection dropped: {io.Message}",
        _ => e.Message,
    };

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "...";
}
