using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Sandbox.Nodes.Tests.Support;

/// <summary>The real sandbox API server in-process over HTTP, plus a client for it.</summary>
internal sealed class TestApi : IAsyncDisposable
{
    // Start at a random point of 60..249: default clusters of other test projects running at the same time use 1, 2, ...
    private static int _nextIndex = Random.Shared.Next(190);

    private TestApi(SandboxApiServer server, KubernetesClient client)
    {
        Server = server;
        Client = client;
    }

    public SandboxApiServer Server { get; }

    public KubernetesClient Client { get; }

    /// <summary>A node index no other test in this run uses, so parallel tests never share pod addresses.</summary>
    public static int NextNodeIndex() => (Interlocked.Increment(ref _nextIndex) % 190) + 60;

    public static async Task<TestApi> StartAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, UseHttps = false }, cancellationToken: cts.Token);
        var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = server.Token }, options: new KubeClientOptions { RequestTimeout = TimeSpan.FromSeconds(10), Retry = new KubeRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(50) } });
        return new TestApi(server, client);
    }

    public SimulatedNode Node(string name, IPodRuntime runtime, TimeSpan? heartbeat = null, TimeSpan? probePeriod = null) =>
        new(Client, new SimulatedNodeOptions
        {
            Name = name,
            Index = NextNodeIndex(),
            HeartbeatInterval = heartbeat ?? TimeSpan.FromMilliseconds(500),
            ProbePeriodOverride = probePeriod ?? TimeSpan.FromMilliseconds(100),
            ResyncPeriod = TimeSpan.FromSeconds(1),
            Seed = 7,
        }, runtime);

    public static Deployment Deployment(string name, string node, int replicas = 1, string image = EchoContainer.Image, Dictionary<string, string>? labels = null, Probe? readiness = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = labels ?? new Dictionary<string, string> { ["app"] = name } },
                Spec = new PodSpec
                {
                    NodeSelector = new Dictionary<string, string> { [SimulatedNode.HostnameLabel] = node },
                    Containers =
                    [
                        new Container
                        {
                            Name = "main",
                            Image = image,
                            Ports = [new ContainerPort { Name = "echo", Port = EchoContainer.Port }],
                            ReadinessProbe = readiness ?? new Probe { TcpSocket = new TcpSocketAction { Port = "echo" }, PeriodSeconds = 1 },
                        },
                    ],
                },
            },
        },
    };

    public async Task<List<Pod>> PodsAsync(string? labelSelector = null) =>
        (await Client.ListAsync<Pod>("default", new ListOptions { LabelSelector = labelSelector })).Items;

    /// <summary>Waits until exactly <paramref name="count"/> Running, Ready pods match and returns them.</summary>
    public Task<List<Pod>> ReadyPodsAsync(string labelSelector, int count, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(async () =>
        {
            var pods = await PodsAsync(labelSelector);
            return pods.Count == count && pods.All(p => p.IsReady && p.Status?.Phase == "Running") ? pods : null;
        }, $"{count} ready pod(s) for {labelSelector}", timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
