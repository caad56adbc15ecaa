using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.Tests.Support;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class NodeLifecycleControllerTests
{
    private static NodeLifecycleController Controller(TestApi api, TimeSpan grace) =>
        new(api.Client, new NodeLifecycleControllerOptions { GracePeriod = grace, MonitorPeriod = TimeSpan.FromMilliseconds(100) });

    [Fact]
    public async Task NodeCrashed_AfterGrace_ReadyUnknownTaintedAndPodsNotReady()
    {
        await using var api = await TestApi.StartAsync();
        await using var node = api.Node("node-a", new EchoContainer().Runtime(), heartbeat: TimeSpan.FromMilliseconds(200));
        await node.StartAsync();
        await using var controller = Controller(api, TimeSpan.FromSeconds(1.5));
        await controller.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        await api.ReadyPodsAsync("app=collector", 1);
        await Task.Delay(1800); // longer than the grace: a live node is left alone
        Assert.True((await api.Client.GetAsync<Node>("node-a")).IsReady);

        await node.CrashAsync();
        var crashedAt = DateTime.UtcNow;

        var unknown = await Eventually.ValueAsync(async () =>
        {
            var n = await api.Client.GetAsync<Node>("node-a");
            return n.Status!.Conditions!.Single(c => c.Type == "Ready").Status == "Unknown" ? n : null;
        }, "Ready=Unknown");
        Assert.True(DateTime.UtcNow - crashedAt >= TimeSpan.FromSeconds(1.2), "marked before the grace period ran out");
        var ready = unknown.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("NodeStatusUnknown", ready.Reason);
        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Node>("node-a")).Spec?.Taints?.Any(t => t.Key == NodeLifecycleController.UnreachableTaint && t.Effect == "NoExecute") == true, "the unreachable taint");
        await Eventually.TrueAsync(async () => !(await api.PodsAsync("app=collector")).Single().IsReady, "the pod marked not ready");
    }

    [Fact]
    public async Task NodeRestored_ReadyAgainAndTaintRemoved()
    {
        await using var api = await TestApi.StartAsync();
        await using var node = api.Node("node-a", new EchoContainer().Runtime(), heartbeat: TimeSpan.FromMilliseconds(200));
        await node.StartAsync();
        await using var controller = Controller(api, TimeSpan.FromSeconds(1));
        await controller.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        await api.ReadyPodsAsync("app=collector", 1);
        await node.CrashAsync();
        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Node>("node-a")).Spec?.Taints?.Count > 0, "the unreachable taint");

        await node.RestoreAsync();

        await Eventually.TrueAsync(async () =>
        {
            var n = await api.Client.GetAsync<Node>("node-a");
            return n.IsReady && (n.Spec?.Taints is null || n.Spec.Taints.Count == 0);
        }, "Ready and untainted");
        await api.ReadyPodsAsync("app=collector", 1);
    }

    [Fact]
    public async Task Constructor_NonPositiveGrace_Throws()
    {
        await using var api = await TestApi.StartAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => Controller(api, TimeSpan.Zero));
    }
}
