using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Sandbox.Nodes;
using EdgeHa.Sandbox.Nodes.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Netns.Bench;

/// <summary>
/// One simulated node as its own process, started inside the node's network namespace: its kubelet's heartbeats,
/// node Lease and readiness probes and its collectors' pair-Lease renewals all leave through that namespace's link,
/// as on a real machine. Pods get the namespace's addresses (&lt;prefix&gt;2 and up, which the bench assigned).
/// </summary>
internal static class NodeHost
{
    public const string CollectorImage = "edgeha/collector";

    public static async Task<int> RunAsync(BenchFlags flags, CancellationToken stop)
    {
        var kubeconfig = Path.GetFullPath(flags.Required("kubeconfig"));
        var collector = flags.Required("collector-dll");
        if (!File.Exists(collector))
        {
            throw new BenchUsageException($"--collector-dll {collector} does not exist");
        }

        // The collectors find the API server (for the pair Lease) through the same kubeconfig: pods inherit this environment.
        Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        using var client = new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([kubeconfig]), logging.CreateLogger<KubernetesClient>());
        var runtime = new ProcessPodRuntime(new ProcessPodRuntimeOptions
        {
            Images = new ImageMap().AddDotnet(CollectorImage, collector),
            LogDirectory = flags.Required("log-dir"),
        }, logger: logging.CreateLogger<ProcessPodRuntime>());
        // The demo's node timings: a 500 ms heartbeat and 200 ms readiness probes.
        await using var node = new SimulatedNode(client, new SimulatedNodeOptions
        {
            Name = flags.Required("name"),
            AddressPrefix = flags.Required("address-prefix"),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            ProbePeriodOverride = TimeSpan.FromMilliseconds(200),
        }, runtime, loggerFactory: logging);
        await node.StartAsync(stop);
        Console.WriteLine($"node {node.Name} up at {node.HostIP}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM: the node's pods are stopped gracefully by DisposeAsync
        }

        return 0;
    }
}
