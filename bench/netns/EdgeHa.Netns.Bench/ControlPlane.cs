using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api.Schema;
using EdgeHa.Sandbox.ApiServer;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Netns.Bench;

/// <summary>
/// The control plane of the bench: the sandbox API server listening on the control namespace's bridge address (so
/// the nodes reach it over a link that can be cut), the CRD, the pair, and a timeline of what the API server holds:
/// one tab-separated line per change of the pair's active node, phase or epoch, or of the pair Lease's holder
/// (epoch seconds, activeNode, phase, epoch, lease holder, lease renewTime), polled every 50 ms on loopback.
/// </summary>
internal static class ControlPlane
{
    public static async Task<int> RunAsync(BenchFlags flags, CancellationToken stop)
    {
        if (!IPAddress.TryParse(flags.Required("bind"), out var bind))
        {
            throw new BenchUsageException("--bind must be an IP address");
        }

        var port = int.Parse(flags.Required("port"), CultureInfo.InvariantCulture);
        var pair = JsonNode.Parse(await File.ReadAllTextAsync(flags.Required("pair"), stop))!.AsObject();
        var ns = pair["metadata"]?["namespace"]?.GetValue<string>() ?? "default";
        var name = pair["metadata"]!["name"]!.GetValue<string>();
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await using var server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { BindAddress = bind, Port = port, WatchHistoryCapacity = 50_000 }, logging, stop);
        server.WriteKubeconfig(flags.Required("kubeconfig"));
        using var api = server.CreateHttpClient(TimeSpan.FromSeconds(10));
        await PostAsync(api, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", JsonSerializer.SerializeToNode(CrdGenerator.Build())!.AsObject(), stop);
        while ((await api.GetAsync(new Uri("/apis/edgeha.io/v1alpha1", UriKind.Relative), stop)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(100, stop);
        }

        await PostAsync(api, $"/apis/edgeha.io/v1alpha1/namespaces/{ns}/redundantpairs", pair, stop);
        Console.WriteLine($"control plane ready: {server.Url} pair {ns}/{name}");
        var timeline = flags.Optional("timeline");
        try
        {
            if (timeline is null)
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            else
            {
                await RecordTimelineAsync(api, ns, name, timeline, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // SIGTERM: stop serving
        }

        return 0;
    }

    private static async Task PostAsync(HttpClient api, string path, JsonObject body, CancellationToken ct)
    {
        using var response = await api.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static async Task RecordTimelineAsync(HttpClient api, string ns, string name, string path, CancellationToken stop)
    {
        await using var output = new StreamWriter(path, append: false) { AutoFlush = true };
        string? last = null;
        while (!stop.IsCancellationRequested)
        {
            var status = await GetAsync(api, $"/apis/edgeha.io/v1alpha1/namespaces/{ns}/redundantpairs/{name}", stop);
            var lease = await GetAsync(api, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}-active", stop);
            var line = string.Join('\t',
                Text(status?["status"]?["activeNode"]), Text(status?["status"]?["phase"]), Text(status?["status"]?["epoch"]),
                Text(lease?["spec"]?["holderIdentity"]));
            if (line != last)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{now:F3}\t{line}\t{Text(lease?["spec"]?["renewTime"])}"));
                last = line;
            }

            await Task.Delay(50, stop);
        }
    }

    private static async Task<JsonObject?> GetAsync(HttpClient api, string path, CancellationToken ct)
    {
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative), ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(ct) : null;
    }

    private static string Text(JsonNode? node) => node?.ToString() ?? "-";
}
