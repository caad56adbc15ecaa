using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Api.Schema;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.Sandbox.Nodes;
using EdgeHa.Sandbox.Nodes.LoadBalancer;
using EdgeHa.Sandbox.Nodes.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Failover.Bench;

/// <summary>
/// One sandbox for a benchmark phase, all real code: the sandbox API server with the RedundantPair CRD, simulated
/// nodes running <see cref="BenchPod"/>s in-process, the loopback load balancer, and the operator as its own process
/// against the sandbox kubeconfig.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string Namespace = "default";
    public const string Image = "edgeha/bench-collector";
    public static readonly ResourceType PairType = ResourceType.Named(RedundantPair.Group, RedundantPair.Version, RedundantPair.Plural, RedundantPair.KindName);

    private readonly ILoggerFactory _logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Critical));
    private SandboxApiServer? _server;
    private KubernetesClient? _client;
    private KubernetesClient? _podClient;
    private SandboxCluster? _cluster;
    private OperatorProcess? _operator;

    public required string WorkDirectory { get; init; }

    public KubernetesClient Client => _client!;

    public SandboxCluster Cluster => _cluster!;

    public OperatorProcess Operator => _operator!;

    public IReadOnlyList<string> NodeNames { get; private set; } = [];

    /// <summary>The VIP of pair number <paramref name="i"/> and its fixed loopback stand-in.</summary>
    public static (string Vip, string Loopback) VipOf(int i) =>
        (string.Create(CultureInfo.InvariantCulture, $"10.90.{i / 250}.{(i % 250) + 1}"), string.Create(CultureInfo.InvariantCulture, $"127.89.{i / 250}.{(i % 250) + 1}"));

    public static async Task<BenchEnvironment> StartAsync(string workDirectory, int nodes, int vips, int firstNodeIndex, string operatorDll, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        var env = new BenchEnvironment { WorkDirectory = workDirectory };
        try
        {
            await env.StartCoreAsync(nodes, vips, firstNodeIndex, operatorDll, cancellationToken);
            return env;
        }
        catch
        {
            await env.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(int nodes, int vips, int firstNodeIndex, string operatorDll, CancellationToken ct)
    {
        _server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, UseHttps = false, WatchHistoryCapacity = 200_000 }, _logging, ct);
        var kubeconfig = Path.Combine(WorkDirectory, "kubeconfig");
        _server.WriteKubeconfig(kubeconfig);
        _client = NewClient(_server, TimeSpan.FromSeconds(15));
        // The pods' lease holders share one client (one connection pool), as pods on one host would share a kernel.
        _podClient = NewClient(_server, TimeSpan.FromSeconds(5));
        await CreateCrdAsync(_server, ct);

        var mappings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < vips; i++)
        {
            var (vip, loopback) = VipOf(i);
            mappings[vip] = loopback;
        }

        NodeNames = [.. Enumerable.Range(0, nodes).Select(i => $"node-{i:D2}")];
        var runtime = new InProcessPodRuntime(new Dictionary<string, InProcessContainerStart> { [Image] = BenchPod.Image(_podClient) });
        _cluster = await SandboxCluster.StartAsync(_client, new SandboxClusterOptions
        {
            NodeNames = [.. NodeNames],
            FirstNodeIndex = firstNodeIndex,
            Runtime = runtime,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            LoadBalancer = new LoopbackLoadBalancerOptions { VipMappings = mappings, ResyncPeriod = TimeSpan.FromSeconds(30) },
        }, loggerFactory: _logging, cancellationToken: ct);

        _operator = await OperatorProcess.StartAsync(operatorDll, kubeconfig, Path.Combine(WorkDirectory, "operator.log"), ct);
    }

    internal static KubernetesClient NewClient(SandboxApiServer server, TimeSpan timeout) => new(
        new k8s.KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = server.Token },
        options: new KubeClientOptions { RequestTimeout = timeout });

    internal static async Task CreateCrdAsync(SandboxApiServer server, CancellationToken cancellationToken)
    {
        // The same CRD as crds/edgeha.io_redundantpairs.yaml (that file is generated from these types).
        var crd = JsonSerializer.SerializeToNode(CrdGenerator.Build())!.AsObject();
        using var http = server.CreateHttpClient(TimeSpan.FromSeconds(10));
        using var response = await http.PostAsJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating the CRD failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>A hot-standby pair with an HTTP health check on the bench pod and a MetalLB VIP forwarding 502 to 5020.</summary>
    public static RedundantPair NewPair(string name, string primary, string standby, int vipIndex, int periodMs, int failureThreshold, int leaseMs, int renewMs) => new()
    {
        Metadata = new() { Name = name, Namespace = Namespace },
        Spec = new RedundantPairSpec
        {
            PrimaryNode = primary,
            StandbyNode = standby,
            StandbyMode = StandbyMode.Hot,
            // The pod learns the lease terms from the Lease; until it exists it polls at the renew interval given here.
            Template = JsonNode.Parse($$$"""{"spec":{"containers":[{"name":"collector","image":"edgeha/bench-collector:bench","env":[{"name":"BENCH_LEASE_MS","value":"{{{leaseMs}}}"},{"name":"BENCH_RENEW_MS","value":"{{{renewMs}}}"}]}]}}""")!.AsObject(),
            HealthCheck = new HealthCheckSpec
            {
                Http = new HttpHealthCheck { Port = BenchPod.HealthPort, Path = "/healthz" },
                PeriodMilliseconds = periodMs,
                TimeoutMilliseconds = Math.Min(periodMs, 1000),
                FailureThreshold = failureThreshold,
                SuccessThreshold = 1,
            },
            Failover = new FailoverSpec { StartupGraceSeconds = 0, Failback = FailbackMode.Manual, DelayMilliseconds = 0 },
            Fencing = new FencingSpec { LeaseDurationMilliseconds = leaseMs, RenewIntervalMilliseconds = renewMs, ClockSkewMarginMilliseconds = 500 },
            Vip = new VipSpec { Provider = VipProvider.MetalLB, Address = VipOf(vipIndex).Vip, Ports = [new VipPort { Name = "data", Port = 502, TargetPort = BenchPod.DataPort }] },
        },
    };

    public Task<RedundantPair> CreatePairAsync(RedundantPair pair, CancellationToken cancellationToken) =>
        Client.CreateAsync(PairType, pair, cancellationToken: cancellationToken);

    public Task<RedundantPair> GetPairAsync(string name, CancellationToken cancellationToken) =>
        Client.GetAsync<RedundantPair>(PairType, Namespace, name, cancellationToken);

    public Task<KubernetesList<RedundantPair>> ListPairsAsync(CancellationToken cancellationToken) =>
        Client.ListAsync<RedundantPair>(PairType, Namespace, cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _client?.Dispose();
        _podClient?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _logging.Dispose();
    }
}
