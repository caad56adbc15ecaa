using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;
using EdgeHa.Kubectl.Cli;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Kubectl.Tests.Support;

/// <summary>
/// One sandbox API server for the test collection, over HTTPS on 127.0.0.1, with the RedundantPair CRD created
/// from crds/ through the API and a kubeconfig written for it. Each test class works in its own namespace.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private SandboxApiServer? _server;
    private KubernetesClient? _client;

    public SandboxApiServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>A client of the sandbox (as the operator would be), for arranging and checking objects.</summary>
    public KubernetesClient Client => _client ?? throw new InvalidOperationException("not started");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "edgeha-kubectl-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        _server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0 });
        _server.WriteKubeconfig(KubeconfigPath, contextNamespace: "default");
        _client = new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([KubeconfigPath]));

        using var http = _server.CreateHttpClient(TimeSpan.FromSeconds(10));
        foreach (var crd in YamlJson.ReadDocuments(RepoPaths.Crd))
        {
            using var response = await http.PostAsJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
            Assert.True(response.IsSuccessStatusCode, $"creating the CRD: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>Creates a pair from the sample in config/samples under a new name, optionally edited first.</summary>
    public async Task<RedundantPair> CreatePairAsync(string ns, string name, Action<RedundantPair>? edit = null)
    {
        await EnsureNamespaceAsync(ns);
        var json = YamlJson.ReadDocuments(RepoPaths.SamplePair).Single();
        json["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns };
        var pair = KubeJson.Deserialize<RedundantPair>(json.ToJsonString());
        edit?.Invoke(pair);
        return await Client.CreateAsync(PairTypes.Pair, pair);
    }

    /// <summary>Creates the namespace unless it exists (the sandbox, as a cluster, requires it).</summary>
    public async Task EnsureNamespaceAsync(string ns)
    {
        try
        {
            await Client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } });
        }
        catch (AlreadyExistsException)
        {
            // Another test of the class made it first.
        }
    }

    /// <summary>Writes a status through the /status subresource, as the operator does.</summary>
    public Task<RedundantPair> WriteStatusAsync(string ns, string name, RedundantPairStatus status) =>
        Client.PatchStatusAsync<RedundantPair>(PairTypes.Pair, ns, name, KubePatch.Merge(new { status }));

    public Task<RedundantPair> GetPairAsync(string ns, string name) => Client.GetAsync<RedundantPair>(PairTypes.Pair, ns, name);

    /// <summary>Runs the plugin in-process with this sandbox's kubeconfig, as kubectl would run it.</summary>
    public async Task<CliResult> RunAsync(string[] args, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] all = [.. args, "--kubeconfig", KubeconfigPath];
        var code = await PluginApp.RunAsync(all, stdout, stderr, time: time, cancellationToken: cancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the plugin with an explicit client factory (no --kubeconfig added).</summary>
    internal static async Task<CliResult> RunWithAsync(string[] args, Func<Invocation, IKubernetesClient>? factory)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PluginApp.RunAsync(args, stdout, stderr, factory);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>The outcome of one plugin run.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>The tests that share the sandbox run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}

internal static class PairTypes
{
    public static ResourceType Pair => Commands.PairClient.PairType;
}
