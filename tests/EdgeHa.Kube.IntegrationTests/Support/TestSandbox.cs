using System.Text.Json.Nodes;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>
/// A sandbox API server over HTTPS plus a client configured from the kubeconfig the sandbox writes, as a user
/// would configure it. Dispose ends both and deletes the kubeconfig directory.
/// </summary>
public sealed class TestSandbox : IAsyncDisposable
{
    private static int s_counter;

    private TestSandbox(SandboxApiServer server, string directory, KubernetesClient client)
    {
        Server = server;
        Directory = directory;
        Client = client;
    }

    public SandboxApiServer Server { get; }

    /// <summary>A temporary directory holding the kubeconfig files.</summary>
    public string Directory { get; }

    /// <summary>A client built from the sandbox's token kubeconfig, with fast retries.</summary>
    public KubernetesClient Client { get; }

    /// <summary>Fast retries so injected faults cost milliseconds, not seconds (Retry-After is still honoured).</summary>
    public static KubeRetryPolicy FastRetry { get; } = new() { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) };

    public static async Task<TestSandbox> StartAsync(Action<SandboxApiServerOptions>? configure = null)
    {
        var options = new SandboxApiServerOptions { Port = 0, BookmarkInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var server = await SandboxApiServer.StartAsync(options, cancellationToken: startup.Token);
        var directory = Path.Combine(Path.GetTempPath(), "edgeha-kube-it-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "config");
        server.WriteKubeconfig(path);
        var client = NewClient(KubeConfigLoader.FromKubeConfigFiles([path]));
        return new TestSandbox(server, directory, client);
    }

    /// <summary>A client for <paramref name="config"/> with <see cref="TestOptions"/>.</summary>
    public static KubernetesClient NewClient(k8s.KubernetesClientConfiguration config, DelegatingHandler? handler = null) =>
        new(config, handler: handler, options: TestOptions);

    /// <summary><see cref="FastRetry"/> and a 10 s request timeout.</summary>
    public static KubeClientOptions TestOptions { get; } = new() { RequestTimeout = TimeSpan.FromSeconds(10), Retry = FastRetry };

    /// <summary>A name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Creates a fresh namespace so lists see only this test's objects.</summary>
    public async Task<string> NewNamespaceAsync(CancellationToken cancellationToken)
    {
        var name = UniqueName("it");
        await Client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } }, cancellationToken);
        return name;
    }

    /// <summary>Reads an object as raw JSON (what the server stores), bypassing the typed models.</summary>
    public async Task<JsonObject> GetRawAsync(string path, CancellationToken cancellationToken)
    {
        using var http = Server.CreateHttpClient(TimeSpan.FromSeconds(10));
        var text = await http.GetStringAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The number of watch connections the server holds open.</summary>
    public async Task<int> OpenWatchesAsync(CancellationToken cancellationToken) =>
        (await GetRawAsync("/sandbox/faults", cancellationToken))["openWatches"]!.GetValue<int>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
