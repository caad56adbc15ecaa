using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.LoadBalancer;
using EdgeHa.Sandbox.Nodes.Tests.Support;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class SandboxClusterTests
{
    // Above the range TestApi hands out (60..249); the pool keeps the clusters of this class apart.
    private const int ClusterIndexes = 250;
    private static int _prefix;

    [Fact]
    public async Task StartAsync_Kubeconfig_TwoReadyNodes_CrashAndRestoreByName()
    {
        await using var api = await TestApi.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), $"edgeha-nodes-{Guid.NewGuid():N}");
        using var cleanup = new DirectoryCleanup(directory);
        var kubeconfig = Path.Combine(directory, "config");
        api.Server.WriteKubeconfig(kubeconfig);
        var echo = new EchoContainer();
        var first = TestApi.NextNodeIndex();
        var names = new[] { $"edge-{first}-a", $"edge-{first}-b" };
        await using var cluster = await SandboxCluster.StartAsync(kubeconfig, new SandboxClusterOptions
        {
            NodeNames = names,
            FirstNodeIndex = ClusterIndexes,
            Runtime = echo.Runtime(),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            ProbePeriodOverride = TimeSpan.FromMilliseconds(100),
            Lifecycle = new NodeLifecycleControllerOptions { GracePeriod = TimeSpan.FromSeconds(1), MonitorPeriod = TimeSpan.FromMilliseconds(100) },
            LoadBalancer = new LoopbackLoadBalancerOptions { LoopbackPrefix = $"127.89.{Interlocked.Increment(ref _prefix)}." },
        });

        var nodes = (await api.Client.ListAsync<Node>()).Items;
        Assert.Equal(names, nodes.Select(n => n.Metadata.Name).Order());
        Assert.All(nodes, n => Assert.True(n.IsReady));
        Assert.NotNull(cluster.LoadBalancer);

        await cluster.Node(names[1]).CrashAsync();

        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Node>(names[1])).Status!.Conditions!.Single(c => c.Type == "Ready").Status == "Unknown", "the crashed node Unknown");
        Assert.True((await api.Client.GetAsync<Node>(names[0])).IsReady);

        await cluster.Node(names[1]).RestoreAsync();

        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Node>(names[1])).IsReady, "the node Ready again");
        Assert.Throws<ArgumentException>(() => cluster.Node("nope"));
    }

    [Fact]
    public async Task PowerAnnotation_OffCrashesOnRestores()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        var name = $"edge-{TestApi.NextNodeIndex()}";
        await using var cluster = await SandboxCluster.StartAsync(api.Client, new SandboxClusterOptions
        {
            NodeNames = [name],
            FirstNodeIndex = ClusterIndexes,
            Runtime = echo.Runtime(),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            EnableLoadBalancer = false,
            EnablePowerSwitch = true,
        });
        var node = cluster.Node(name);

        await api.Client.PatchAsync<Node>(name, KubePatch.Merge(new { metadata = new { annotations = new Dictionary<string, string> { [SandboxCluster.PowerAnnotation] = "off" } } }));
        await Eventually.TrueAsync(() => node.IsCrashed, "the node crashed by annotation");

        await api.Client.PatchAsync<Node>(name, KubePatch.Merge(new { metadata = new { annotations = new Dictionary<string, string> { [SandboxCluster.PowerAnnotation] = "on" } } }));
        await Eventually.TrueAsync(() => node.IsRunning, "the node restored by annotation");
    }

    [Fact]
    public async Task StartAsync_NoRuntime_Throws()
    {
        await using var api = await TestApi.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => SandboxCluster.StartAsync(api.Client, new SandboxClusterOptions()));
    }
}
