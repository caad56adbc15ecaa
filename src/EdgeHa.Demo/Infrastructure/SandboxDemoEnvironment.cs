using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Demo.Data;
using EdgeHa.Demo.Scenario;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.Sandbox.Nodes;
using EdgeHa.Sandbox.Nodes.LoadBalancer;
using EdgeHa.Sandbox.Nodes.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Demo.Infrastructure;

/// <summary>
/// The real demo environment, all on this machine: the sandbox API server (in this process), the simulated nodes with
/// their kubelets and the loopback load balancer (in this process; pods run as real processes of the collector),
/// the Modbus device (a process on its own loopback address) and the operator (a process, pointed at the sandbox's
/// kubeconfig). Disposing stops everything it started.
/// </summary>
public sealed class SandboxDemoEnvironment : IDemoEnvironment, IAsyncDisposable
{
    /// <summary>The image names the pair templates use, mapped to the built programs.</summary>
    public const string CollectorImage = "edgeha/collector";
    public const string SimulatorImage = "edgeha/modbus-simulator";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly DemoEnvironmentOptions _options;
    private readonly Action<string> _say;
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly HttpSampleFetcher _fetcher = new(TimeSpan.FromMilliseconds(1000));
    private ILoggerFactory? _loggerFactory;
    private FileLoggerProvider? _fileLog;
    private SandboxApiServer? _server;
    private HttpClient? _api;
    private KubernetesClient? _client;
    private SandboxCluster? _cluster;
    private ChildProcess? _operator;
    private ChildProcess? _plc;
    private IDemoBroker? _broker;

    private SandboxDemoEnvironment(DemoEnvironmentOptions options, Action<string> say)
    {
        _options = options;
        _say = say;
    }

    public DemoEnvironmentOptions Options => _options;

    public ISampleFetcher Fetcher => _fetcher;

    public Uri? MqttBroker => _broker?.Url;

    public string KubeconfigPath => _options.KubeconfigPath;

    public SandboxCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public IKubernetesClient Client => _client ?? throw new InvalidOperationException("not started");

    /// <summary>The operator process, when it runs.</summary>
    public ChildProcess? Operator => _operator;

    /// <summary>Starts every piece in order; a failure names the piece and why, and stops what was started.</summary>
    public static async Task<SandboxDemoEnvironment> StartAsync(DemoEnvironmentOptions options, Action<string> say, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var env = new SandboxDemoEnvironment(options, say);
        try
        {
            await env.StartCoreAsync(cancellationToken);
            return env;
        }
        catch
        {
            await env.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var repo = _options.Repository;
        var collector = Program("EdgeHa.Collector");
        var simulator = Program("EdgeHa.ModbusSimulator");
        var operatorDll = Program("EdgeHa.Operator");
        Directory.CreateDirectory(_options.WorkDirectory);
        Directory.CreateDirectory(_options.LogDirectory);

        _fileLog = new FileLoggerProvider(Path.Combine(_options.LogDirectory, "sandbox.log"));
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_fileLog).SetMinimumLevel(LogLevel.Information));

        _say($"sandbox API server");
        try
        {
            _server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = _options.ApiServerPort, WatchHistoryCapacity = 50_000 }, _loggerFactory, ct);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or SocketException)
        {
            throw new DemoSetupException("start the sandbox API server", e.Message, e);
        }

        _server.WriteKubeconfig(_options.KubeconfigPath);
        _api = _server.CreateHttpClient(TimeSpan.FromSeconds(10));
        _client = new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([_options.KubeconfigPath]), _loggerFactory.CreateLogger<KubernetesClient>());
        _say($"   {_server.Url} (kubeconfig {_options.KubeconfigPath})");

        // The collectors in pods reach the API server for the pair Lease with the same kubeconfig: pods inherit this environment.
        Environment.SetEnvironmentVariable("KUBECONFIG", _options.KubeconfigPath);

        _say("CRD edgeha.io RedundantPair");
        await ApplyCrdAsync(repo.Crd, ct);

        _say($"Modbus device (the PLC) at {_options.PlcAddress}:{_options.PlcPort}");
        _plc = ChildProcess.Start("modbus device", "dotnet", [simulator, "--bind", _options.PlcAddress, "--port", _options.PlcPort.ToString(CultureInfo.InvariantCulture), "--http-port", "0"],
            Path.Combine(_options.LogDirectory, "plc.log"), repo.Root);
        await WaitTcpAsync(_plc, _options.PlcAddress, _options.PlcPort, TimeSpan.FromSeconds(30), "start the Modbus device", ct);

        await StartBrokerAsync(ct);

        _say($"simulated nodes {string.Join(", ", _options.Nodes)} and the loopback load balancer");
        var images = new ImageMap().AddDotnet(CollectorImage, collector).AddDotnet(SimulatorImage, simulator);
        var runtime = new ProcessPodRuntime(new ProcessPodRuntimeOptions
        {
            Images = images,
            LogDirectory = Path.Combine(_options.LogDirectory, "pods"),
            WorkingDirectory = repo.Root,
        }, logger: _loggerFactory.CreateLogger<ProcessPodRuntime>());
        try
        {
            _cluster = await SandboxCluster.StartAsync(_client, new SandboxClusterOptions
            {
                NodeNames = [.. _options.Nodes],
                Runtime = runtime,
                HeartbeatInterval = TimeSpan.FromMilliseconds(500),
                ProbePeriodOverride = TimeSpan.FromMilliseconds(200),
                LoadBalancer = new LoopbackLoadBalancerOptions { LoopbackPrefix = _options.VipLoopbackPrefix },
            }, loggerFactory: _loggerFactory, cancellationToken: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DemoSetupException("start the simulated nodes", e.Message, e);
        }

        _say("operator (a process of src/EdgeHa.Operator)");
        var health = FreeLoopbackPort();
        var metrics = FreeLoopbackPort();
        _operator = ChildProcess.Start("operator", "dotnet",
            [operatorDll, "--kubeconfig", _options.KubeconfigPath, "--health-probe-bind-address", $"127.0.0.1:{health}", "--metrics-bind-address", $"127.0.0.1:{metrics}", .. _options.OperatorArgs],
            Path.Combine(_options.LogDirectory, "operator.log"), repo.Root);
        await WaitOperatorReadyAsync(health, ct);
        _say($"   ready (health 127.0.0.1:{health}, metrics http://127.0.0.1:{metrics}/metrics, log {_operator.LogPath})");
    }

    private async Task StartBrokerAsync(CancellationToken ct)
    {
        if (_options.Broker == DemoBrokerKind.None)
        {
            return;
        }

        var port = _options.BrokerPort != 0 ? _options.BrokerPort : FreePort(_options.BrokerAddress);
        try
        {
            _broker = _options.Broker == DemoBrokerKind.Mosquitto
                ? await MosquittoBroker.StartAsync(_options.BrokerAddress, port, _options.WorkDirectory, _options.LogDirectory,
                    p => WaitTcpAsync(p, _options.BrokerAddress, port, TimeSpan.FromSeconds(15), "start the MQTT broker", ct))
                : await EmbeddedMqttBroker.StartAsync(_options.BrokerAddress, port);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new DemoSetupException("start the MQTT broker", e.Message, e);
        }

        _say($"MQTT broker: {_broker.Description} (the collectors publish there, the demo subscribes)");
    }

    /// <summary>Subscribes to the pair's topic (the collector's default, edgeha/NAMESPACE/PAIR/samples) at the demo's broker.</summary>
    public async Task<ISampleSubscription> SubscribeAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var broker = _broker?.Url ?? throw new InvalidOperationException("the demo runs no MQTT broker");
        return await MqttSampleSubscriber.StartAsync(broker, $"edgeha/{pair.Namespace}/{pair.Name}/samples", $"edgeha-demo-subscriber-{pair.Namespace}-{pair.Name}", TimeProvider.System, cancellationToken,
            Path.Combine(_options.LogDirectory, $"mqtt-{pair.Namespace}-{pair.Name}.tsv"));
    }

    private string Program(string project) =>
        _options.Repository.ProgramDll(project, _options.Configuration)
        ?? throw new DemoSetupException("find the built programs", $"src/{project} is not built; run `dotnet build src/EdgeHa.Demo/EdgeHa.Demo.csproj -c {_options.Configuration}` first");

    public async Task ApplyPairAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var path = $"/apis/edgeha.io/v1alpha1/namespaces/{pair.Namespace}/redundantpairs";
        var obj = (JsonObject)pair.Object.DeepClone();
        obj["metadata"]!["namespace"] = pair.Namespace;
        if (_broker is not null)
        {
            MqttBrokerArgument.Set(obj, CollectorImage, _broker.Url);
        }
        await SendAsync(HttpMethod.Post, path, obj, $"create RedundantPair {pair.Name}", cancellationToken);
    }

    public async Task ChangeCollectorTemplateAsync(PairManifest pair, string revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var path = $"/apis/edgeha.io/v1alpha1/namespaces/{pair.Namespace}/redundantpairs/{pair.Name}";
        // Read, change, replace: the resourceVersion makes a write that raced the operator's status update fail with
        // 409, and then it is read and tried again.
        for (var attempt = 1; ; attempt++)
        {
            var obj = await GetJsonAsync(path, cancellationToken) ?? throw new StepFailedException($"RedundantPair {pair.Name} does not exist");
            TemplateRevision.Set(obj, revision);
            using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json") };
            using var response = await Api.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode != HttpStatusCode.Conflict || attempt == 5)
            {
                throw new StepFailedException($"update RedundantPair {pair.Name}: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
    }

    public async Task DeletePairAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        using (var response = await Api.DeleteAsync($"/apis/edgeha.io/v1alpha1/namespaces/{pair.Namespace}/redundantpairs/{pair.Name}", cancellationToken))
        {
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            {
                throw new StepFailedException($"delete RedundantPair {pair.Name}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        var pods = $"/api/v1/namespaces/{pair.Namespace}/pods?labelSelector={Uri.EscapeDataString("edgeha.io/pair=" + pair.Name)}";
        while (true)
        {
            var pairGone = (await Api.GetAsync($"/apis/edgeha.io/v1alpha1/namespaces/{pair.Namespace}/redundantpairs/{pair.Name}", cancellationToken)).StatusCode == HttpStatusCode.NotFound;
            var list = await GetJsonAsync(pods, cancellationToken);
            var left = (list?["items"] as JsonArray)?.Count ?? 0;
            var running = _cluster?.Nodes.Sum(n => n.RunningPods.Keys.Count(k => k.StartsWith($"{pair.Namespace}/{pair.Name}-", StringComparison.Ordinal))) ?? 0;
            if (pairGone && left == 0 && running == 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public Task CrashNodeAsync(string node, CancellationToken cancellationToken) => Cluster.Node(node).CrashAsync();

    public Task RestoreNodeAsync(string node, CancellationToken cancellationToken) => Cluster.Node(node).RestoreAsync(cancellationToken);

    public async Task<PairSnapshot?> GetPairAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var obj = await GetJsonAsync($"/apis/edgeha.io/v1alpha1/namespaces/{pair.Namespace}/redundantpairs/{pair.Name}", cancellationToken);
        return obj?["status"] is JsonObject status ? StatusJson.Snapshot(status) : null;
    }

    public async Task<LeaseSnapshot?> GetLeaseAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var lease = await GetJsonAsync($"/apis/coordination.k8s.io/v1/namespaces/{pair.Namespace}/leases/{pair.Name}-active", cancellationToken);
        return lease is null ? null : StatusJson.Lease(lease);
    }

    public async Task<IReadOnlyList<PairEvent>> GetEventsAsync(PairManifest pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var names = new HashSet<string>(StringComparer.Ordinal) { pair.Name, pair.Name + "-vip" };
        var list = await GetJsonAsync($"/apis/events.k8s.io/v1/namespaces/{pair.Namespace}/events", cancellationToken);
        var core = await GetJsonAsync($"/api/v1/namespaces/{pair.Namespace}/events", cancellationToken);
        return [.. StatusJson.Events(list, names), .. StatusJson.Events(core, names)];
    }

    public IVipRoute VipRoute(PairManifest pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new LoadBalancerRoute(Cluster, pair.VipAddress, pair.VipPort);
    }

    public async ValueTask DisposeAsync()
    {
        // The operator first, so it does not react to the nodes going away.
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        if (_cluster is not null)
        {
            try
            {
                await _cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                // the script's process group kill ends whatever is left
            }
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_plc is not null)
        {
            await _plc.DisposeAsync();
        }

        foreach (var d in _owned)
        {
            await d.DisposeAsync();
        }

        _client?.Dispose();
        _api?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _fetcher.Dispose();
        _loggerFactory?.Dispose();
        _fileLog?.Dispose();
    }

    private HttpClient Api => _api ?? throw new InvalidOperationException("not started");

    private async Task ApplyCrdAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new DemoSetupException("apply the CRD", $"{path} does not exist (make manifests generates it)");
        }

        foreach (var doc in YamlJson.Documents(await File.ReadAllTextAsync(path, ct), path))
        {
            await SendAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", doc, "apply the CRD", ct);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            while ((await Api.GetAsync("/apis/edgeha.io/v1alpha1", limit.Token)).StatusCode != HttpStatusCode.OK)
            {
                await Task.Delay(100, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DemoSetupException("apply the CRD", "the API server did not serve edgeha.io/v1alpha1 within 15 s");
        }
    }

    private async Task SendAsync(HttpMethod method, string path, JsonObject body, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await Api.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var message = JsonNode.Parse(text) is JsonObject status && status["message"] is JsonValue m ? m.ToString() : text;
            throw new StepFailedException($"{what}: HTTP {(int)response.StatusCode}: {message}");
        }
    }

    private async Task<JsonObject?> GetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await Api.GetAsync(path, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>(Json, ct);
    }

    private async Task WaitTcpAsync(ChildProcess process, string address, int port, TimeSpan timeout, string step, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (process.Exited.IsCompleted)
            {
                throw new DemoSetupException(step, $"{process.Name} exited with code {await process.Exited}:\n{process.Tail()}");
            }

            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(500);
                await socket.ConnectAsync(IPAddress.Parse(address), port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                await Task.Delay(200, ct);
            }
        }

        throw new DemoSetupException(step, $"{process.Name} did not listen on {address}:{port} within {timeout.TotalSeconds} s:\n{process.Tail()}");
    }

    private async Task WaitOperatorReadyAsync(int healthPort, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + _options.OperatorReadyTimeout;
        string last = "no answer yet";
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_operator!.Exited.IsCompleted)
            {
                throw new DemoSetupException("start the operator", $"the operator exited with code {await _operator.Exited}:\n{_operator.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{healthPort}/readyz"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"/readyz answered {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                last = e.Message;
            }

            await Task.Delay(250, ct);
        }

        throw new DemoSetupException("start the operator", $"not ready within {_options.OperatorReadyTimeout.TotalSeconds} s ({last}):\n{_operator!.Tail()}");
    }

    private static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The VIP through the sandbox load balancer; the backend named by its node.</summary>
    private sealed class LoadBalancerRoute(SandboxCluster cluster, string vip, int port) : IVipRoute
    {
        public string Name => $"{vip}:{port}";

        public VipTarget? Current()
        {
            var lb = cluster.LoadBalancer;
            var endpoint = lb?.Resolve(vip, port);
            if (endpoint is null)
            {
                return null;
            }

            var backend = lb!.Backend(vip, port);
            if (backend is null)
            {
                return new VipTarget(endpoint, null);
            }

            var ip = backend.Address.ToString();
            var node = cluster.Nodes.FirstOrDefault(n => n.RunningPods.Values.Contains(ip))?.Name ?? NodeOfAddress(ip);
            return new VipTarget(endpoint, $"{node ?? "?"} {backend}", backend);
        }

        private string? NodeOfAddress(string ip)
        {
            // Node i's pods get 127.77.i.x.
            var parts = ip.Split('.');
            return parts.Length == 4 && parts[0] == "127" && parts[1] == "77" && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var i) && i >= 1 && i <= cluster.Nodes.Count
                ? cluster.Nodes[i - 1].Name
                : null;
        }
    }
}
