using System.Net;
using System.Net.Sockets;
using EdgeHa.Demo.Data;

namespace EdgeHa.Demo.Tests;

public class HttpSampleFetcherTests
{
    [Fact]
    public void Parse_CollectorAnswer_ReadsRoleNumberSequenceEpoch()
    {
        const string json = """
            {"role":"active","samples":[
              {"sample":17,"timestamp":"2026-01-01T00:00:00.000Z","sequence":65535,"epoch":3,"values":{"input:0:8":[65535,0,0,0,0,0,0,0]}},
              {"sample":18,"timestamp":"2026-01-01T00:00:00.025Z","sequence":null,"epoch":3,"values":{}}
            ]}
            """;

        var batch = HttpSampleFetcher.Parse(json);

        Assert.Equal("active", batch.Role);
        Assert.Equal([new FetchedSample(17, 65535, 3), new FetchedSample(18, null, 3)], batch.Samples);
    }

    [Fact]
    public void Parse_NotJson_ThrowsSampleFetchException() =>
        Assert.Throws<SampleFetchException>(() => HttpSampleFetcher.Parse("<html>"));

    [Fact]
    public async Task FetchAsync_NothingListens_ThrowsSampleFetchExceptionSayingWhy()
    {
        // A port that was free a moment ago: connection refused.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();
        using var fetcher = new HttpSampleFetcher(TimeSpan.FromSeconds(2));

        var e = await Assert.ThrowsAsync<SampleFetchException>(() => fetcher.FetchAsync(endpoint, 5, CancellationToken.None));

        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FetchAsync_Answer_SendsAfterAndClosesTheConnection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        using var fetcher = new HttpSampleFetcher(TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var fetch = fetcher.FetchAsync(endpoint, 65535, cts.Token);

        using var client = await listener.AcceptTcpClientAsync(cts.Token);
        using var stream = client.GetStream();
        var request = await ReadHeadAsync(stream, cts.Token);
        const string body = """{"role":"active","samples":[{"sample":1,"sequence":0,"epoch":2}]}""";
        var response = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response), cts.Token);

        var batch = await fetch;
        Assert.StartsWith("GET /samples?after=65535&limit=10000 HTTP/1.1", request, StringComparison.Ordinal);
        Assert.Contains("Connection: close", request, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, Assert.Single(batch.Samples).Sequence);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var text = "";
        while (!text.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                break;
            }

            text += System.Text.Encoding.ASCII.GetString(buffer, 0, n);
        }

        return text;
    }
}
