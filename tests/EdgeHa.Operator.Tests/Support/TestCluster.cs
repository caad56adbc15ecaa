using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Api.Schema;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Operator.Hosting;
using EdgeHa.Operator.Reconciliation;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>
/// A whole test cluster in-process: the sandbox API server over real HTTP with the RedundantPair CRD, two nodes
/// (node-a on 127.0.0.2, node-b on 127.0.0.3), the kubelet stand-in running collector stand-ins with real lease
/// holders, and operator instances started on demand.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public const string Namespace = "default";
    public const string NodeA = "node-a";
    public const string NodeB = "node-b";

    private readonly List<OperatorHost> _operators = [];

    private TestCluster(SandboxApiServer server, KubernetesClient admin, Dictionary<string, FakeNode> nodes, int healthPort)
    {
        Server = server;
        Admin = admin;
        Nodes = nodes;
        HealthPort = healthPort;
    }

    public SandboxApiServer Server { get; }

    public KubernetesClient Admin { get; }

    public IReadOnlyDictionary<string, FakeNode> Nodes { get; }

    public int HealthPort { get; }

    public ActingLog Acting { get; } = new();

    public FakeKubelet Kubelet { get; private set; } = null!;

    public ILoggerFactory Logging { get; private set; } = LoggerFactory.Create(_ => { });

    /// <summary>Starts the sandbox (with <paramref name="authorizeWithRbac"/>, enforcing RBAC on every token but the admin's), the CRD and two nodes.</summary>
    public static async Task<TestCluster> StartAsync(CancellationToken cancellationToken, ILoggerFactory? logging = null, bool authorizeWithRbac = false)
    {
        var server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, UseHttps = false, AuthorizeWithRbac = authorizeWithRbac }, cancellationToken: cancellationToken);
        var config = Config(server);
        var admin = new KubernetesClient(config, options: ClientOptions);
        await CreateCrdAsync(server, cancellationToken);
        var nodes = new Dictionary<string, FakeNode>
        {
            [NodeA] = new FakeNode(NodeA, "127.0.0.2", config, admin),
            [NodeB] = new FakeNode(NodeB, "127.0.0.3", config, admin),
        };
        foreach (var node in nodes.Values)
        {
            await node.RegisterAsync(cancellationToken);
        }

        var cluster = new TestCluster(server, admin, nodes, FreePort.Next());
        if (logging is not null)
        {
            cluster.Logging = logging;
        }

        cluster.Kubelet = new FakeKubelet(admin, nodes, Namespace, cluster.HealthPort, cluster.Acting, cluster.Logging);
        return cluster;
    }

    /// <summary>A client configuration for the sandbox, as the admin or as the owner of <paramref name="accessToken"/>.</summary>
    public static k8s.KubernetesClientConfiguration Config(SandboxApiServer server, string? accessToken = null) => new()
    {
        Host = server.Url.ToString(),
        AccessToken = accessToken ?? server.Token,
    };

    /// <summary>Short timeouts and quick retries, for every client of the tests and the operator under test.</summary>
    public static KubeClientOptions ClientOptions { get; } = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(2),
        Retry = new KubeRetryPolicy { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200), MaxRetryAfter = TimeSpan.FromMilliseconds(200) },
    };

    private static async Task CreateCrdAsync(SandboxApiServer server, CancellationToken cancellationToken)
    {
        var crd = JsonSerializer.SerializeToNode(CrdGenerator.Build())!.AsObject();
        using var http = server.CreateHttpClient(TimeSpan.FromSeconds(10));
        using var response = await http.PostAsJsonAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"creating the CRD failed: {(int)response.StatusCode} {body}");
    }

    /// <summary>
    /// Starts an operator instance in-process (metrics and health on loopback port 0), as the admin or, with
    /// <paramref name="accessToken"/>, as the ServiceAccount that token belongs to.
    /// </summary>
    public async Task<OperatorHost> StartOperatorAsync(CancellationToken cancellationToken, bool leaderElect = false, string? identity = null, string? accessToken = null)
    {
        var config = Config(Server, accessToken);

        var options = new OperatorOptions
        {
            ClientConfiguration = config,
            ClientOptions = ClientOptions,
            LeaderElect = leaderElect,
            LeaseDuration = TimeSpan.FromMilliseconds(1500),
            RenewDeadline = TimeSpan.FromMilliseconds(1000),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
            HealthProbeBindAddress = "127.0.0.1:0",
            MetricsBindAddress = "127.0.0.1:0",
            Namespace = Namespace,
            LeaderElectionNamespace = Namespace,
            CollectorHttpPort = HealthPort,
        };
        if (identity is not null)
        {
            options.Identity = identity;
        }

        var host = await OperatorHost.StartAsync(options, Logging, cancellationToken);
        _operators.Add(host);
        return host;
    }

    /// <summary>From now on, collectors started call the API as their pod's ServiceAccount (with RBAC enforced: its rights only).</summary>
    public void RunCollectorsAsTheirServiceAccount() => Kubelet.ServiceAccountToken = account => Server.IssueServiceAccountToken(Namespace, account);

    /// <summary>Stops the operator started <paramref name="index"/>-th (it is disposed with the cluster as well).</summary>
    public async Task<OperatorHost> StopOperatorAsync(int index)
    {
        var host = _operators[index];
        await host.StopAsync();
        return host;
    }

    /// <summary>A hot-standby pair on node-a (primary) and node-b with the tests' short timings.</summary>
    public RedundantPair NewPair(string name = "line1", Action<RedundantPairSpec>? configure = null)
    {
        var spec = new RedundantPairSpec
        {
            PrimaryNode = NodeA,
            StandbyNode = NodeB,
            StandbyMode = StandbyMode.Hot,
            Template = JsonNode.Parse("""{"spec":{"containers":[{"name":"collector","image":"edgeha/collector:test"}]}}""")!.AsObject(),
            HealthCheck = new HealthCheckSpec
            {
                Http = new HttpHealthCheck { Port = HealthPort, Path = "/healthz" },
                PeriodMilliseconds = 100,
                TimeoutMilliseconds = 300,
                FailureThreshold = 3,
                SuccessThreshold = 1,
            },
            Failover = new FailoverSpec { StartupGraceSeconds = 2, FailbackStabilizationSeconds = 1, Failback = FailbackMode.Automatic },
            // Terms a loaded 2-core CI machine keeps: a renewal starved for a few hundred ms must not end a holding.
            Fencing = new FencingSpec { LeaseDurationMilliseconds = 1500, RenewIntervalMilliseconds = 300, ClockSkewMarginMilliseconds = 200 },
            Vip = new VipSpec { Provider = VipProvider.None, Ports = [new VipPort { Name = "modbus", Port = 502, TargetPort = 5020 }] },
        };
        configure?.Invoke(spec);
        return new RedundantPair { Metadata = new() { Name = name, Namespace = Namespace }, Spec = spec };
    }

    public Task<RedundantPair> CreatePairAsync(RedundantPair pair, CancellationToken cancellationToken) =>
        Admin.CreateAsync(OperatorCaches.PairType, pair, cancellationToken: cancellationToken);

    public Task<RedundantPair> GetPairAsync(string name, CancellationToken cancellationToken) =>
        Admin.GetAsync<RedundantPair>(OperatorCaches.PairType, Namespace, name, cancellationToken);

    public Task<RedundantPair> PatchPairAsync(string name, JsonObject patch, CancellationToken cancellationToken) =>
        Admin.PatchAsync<RedundantPair>(OperatorCaches.PairType, Namespace, name, KubePatch.Merge(patch), cancellationToken);

    /// <summary>Polls the pair until <paramref name="predicate"/> holds; fails with the last status when the time runs out.</summary>
    public async Task<RedundantPair> WaitForPairAsync(string name, Func<RedundantPair, bool> predicate, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        RedundantPair? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetPairAsync(name, cancellationToken);
                if (predicate(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
            {
                // Injected faults.
            }

            await Task.Delay(20, cancellationToken);
        }

        Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}; last status: {(last is null ? "none" : Kube.Serialization.KubeJson.Serialize(last.Status))}");
        return null!;
    }

    /// <summary>Waits until a condition of the test holds (polling).</summary>
    public static async Task WaitUntilAsync(Func<bool> predicate, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!predicate())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The pod name of the collector acting on <paramref name="node"/>, or null.</summary>
    public string? ActingPodOn(string node) =>
        Kubelet.Collectors.Values.FirstOrDefault(c => c.Acting && c.Pod.Contains("-" + node + "-", StringComparison.Ordinal))?.Pod;

    public async ValueTask DisposeAsync()
    {
        foreach (var op in _operators)
        {
            await op.DisposeAsync();
        }

        await Kubelet.DisposeAsync();
        foreach (var node in Nodes.Values)
        {
            await node.DisposeAsync();
        }

        Admin.Dispose();
        await Server.DisposeAsync();
        Logging.Dispose();
    }
}
