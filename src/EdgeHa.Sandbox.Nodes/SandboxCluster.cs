using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Sandbox.Nodes.LoadBalancer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// The simulated cluster around an API server: N <see cref="SimulatedNode"/>s, the <see cref="NodeLifecycleController"/>
/// and the <see cref="LoopbackLoadBalancer"/>, started together and stopped together.
/// </summary>
public sealed class SandboxCluster : IAsyncDisposable
{
    /// <summary>The Node annotation that crashes (off) or restores (on) a simulated node.</summary>
    public const string PowerAnnotation = NodePowerSwitch.PowerAnnotation;

    private readonly List<SimulatedNode> _nodes;
    private readonly KubernetesClient? _ownedClient;
    private readonly CancellationTokenSource _cts = new();
    private Task[] _switchLoops = [];
    private int[] _indexes = [];

    private SandboxCluster(IKubernetesClient client, List<SimulatedNode> nodes, NodeLifecycleController lifecycle, LoopbackLoadBalancer? loadBalancer, KubernetesClient? ownedClient)
    {
        Client = client;
        _nodes = nodes;
        Lifecycle = lifecycle;
        LoadBalancer = loadBalancer;
        _ownedClient = ownedClient;
    }

    /// <summary>The client the components use.</summary>
    public IKubernetesClient Client { get; }

    public IReadOnlyList<SimulatedNode> Nodes => _nodes;

    public NodeLifecycleController Lifecycle { get; }

    /// <summary>The load balancer, unless disabled.</summary>
    public LoopbackLoadBalancer? LoadBalancer { get; }

    /// <summary>Starts everything against the API server of a kubeconfig file.</summary>
    public static async Task<SandboxCluster> StartAsync(string kubeconfigPath, SandboxClusterOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kubeconfigPath);
        var config = KubeConfigLoader.FromKubeConfigFiles([kubeconfigPath]);
        var client = new KubernetesClient(config, loggerFactory?.CreateLogger<KubernetesClient>(), timeProvider);
        try
        {
            return await StartAsync(client, options, timeProvider, loggerFactory, client, cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Starts everything with a client of the caller (not disposed by the cluster).</summary>
    public static Task<SandboxCluster> StartAsync(IKubernetesClient client, SandboxClusterOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        StartAsync(client, options, timeProvider, loggerFactory, null, cancellationToken);

    /// <summary>The node called <paramref name="name"/>.</summary>
    public SimulatedNode Node(string name) =>
        _nodes.FirstOrDefault(n => n.Name == name) ?? throw new ArgumentException($"no simulated node \"{name}\" (nodes: {string.Join(", ", _nodes.Select(n => n.Name))})", nameof(name));

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await Task.WhenAll(_switchLoops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // stopping
        }

        if (LoadBalancer is not null)
        {
            await LoadBalancer.DisposeAsync();
        }

        await Lifecycle.DisposeAsync();
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        _ownedClient?.Dispose();
        _cts.Dispose();
        NodeIndexPool.Release(_indexes);
        _indexes = [];
    }

    private static async Task<SandboxCluster> StartAsync(IKubernetesClient client, SandboxClusterOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, KubernetesClient? owned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var runtime = options.Runtime ?? throw new ArgumentException("SandboxClusterOptions.Runtime is required (a ProcessPodRuntime or an InProcessPodRuntime)", nameof(options));
        if (options.NodeNames.Count is 0 or > 254 || options.NodeNames.Distinct(StringComparer.Ordinal).Count() != options.NodeNames.Count)
        {
            throw new ArgumentException("NodeNames must hold 1 to 254 distinct names", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.FirstNodeIndex, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.FirstNodeIndex, 254);
        var indexes = NodeIndexPool.Reserve(options.NodeNames.Count, options.FirstNodeIndex);
        var nodes = options.NodeNames.Select((name, i) => new SimulatedNode(client, new SimulatedNodeOptions
        {
            Name = name,
            Index = indexes[i],
            Labels = options.NodeLabels.TryGetValue(name, out var labels) ? labels : new Dictionary<string, string>(StringComparer.Ordinal),
            HeartbeatInterval = options.HeartbeatInterval,
            ProbePeriodOverride = options.ProbePeriodOverride,
            Seed = options.Seed is { } seed ? seed + i : null,
        }, runtime, timeProvider, loggerFactory)).ToList();
        var lifecycle = new NodeLifecycleController(client, options.Lifecycle, timeProvider, loggerFactory);
        var loadBalancer = options.EnableLoadBalancer ? new LoopbackLoadBalancer(client, options.LoadBalancer, timeProvider, loggerFactory) : null;
        var cluster = new SandboxCluster(client, nodes, lifecycle, loadBalancer, owned) { _indexes = indexes };
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync(cancellationToken)));
            await lifecycle.StartAsync(cancellationToken);
            if (loadBalancer is not null)
            {
                await loadBalancer.StartAsync(cancellationToken);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SandboxCluster>();
        if (options.EnablePowerSwitch)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cluster._cts.Token);
            try
            {
                cluster._switchLoops = await new NodePowerSwitch(client, nodes, timeProvider ?? TimeProvider.System, logger).StartAsync(cluster._cts.Token).WaitAsync(linked.Token);
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        Log.ClusterStarted(logger, string.Join(", ", options.NodeNames), options.Lifecycle.GracePeriod.TotalSeconds);
        return cluster;
    }
}
