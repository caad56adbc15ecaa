using System.Net;
using System.Text.Json;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.Runtime;
using EdgeHa.Sandbox.Nodes.Tests.Support;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class SimulatedNodeTests
{
    [Fact]
    public async Task StartAsync_RegistersNodeReadyWithHeartbeatsAndRenewsLease()
    {
        await using var api = await TestApi.StartAsync();
        await using var node = api.Node("node-a", new EchoContainer().Runtime(), heartbeat: TimeSpan.FromMilliseconds(300));

        await node.StartAsync();

        var registered = await api.Client.GetAsync<Node>("node-a");
        Assert.True(registered.IsReady);
        Assert.Equal("node-a", registered.Metadata.Labels!["kubernetes.io/hostname"]);
        Assert.Contains(registered.Status!.Addresses!, a => a.Type == "InternalIP" && a.Address == node.HostIP);
        var lease = await api.Client.GetAsync<Lease>("node-a", SimulatedNode.NodeLeaseNamespace);
        Assert.Equal("node-a", lease.Spec!.HolderIdentity);
        Assert.Equal(40, lease.Spec.LeaseDurationSeconds);
        var firstRenew = lease.Spec.RenewTime;
        var firstHeartbeat = registered.Status.Conditions!.Single(c => c.Type == "Ready").LastHeartbeatTime;

        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Lease>("node-a", SimulatedNode.NodeLeaseNamespace)).Spec!.RenewTime > firstRenew, "a lease renewal");
        await Eventually.TrueAsync(
            async () => (await api.Client.GetAsync<Node>("node-a")).Status!.Conditions!.Single(c => c.Type == "Ready").LastHeartbeatTime > firstHeartbeat,
            "a newer heartbeat");
    }

    [Fact]
    public async Task Deployment_PinnedToNode_GetsRunningReadyPodOnLoopbackReachable()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime());
        await using var other = api.Node("node-b", echo.Runtime());
        await node.StartAsync();
        await other.StartAsync();

        var created = await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));

        var pod = (await api.ReadyPodsAsync("app=collector", 1)).Single();
        Assert.Matches("^collector-[a-z]{5}$", pod.Metadata.Name);
        Assert.Equal("node-a", pod.Spec!.NodeName);
        Assert.StartsWith("127.77.", pod.Status!.PodIP, StringComparison.Ordinal);
        Assert.Equal(node.HostIP, pod.Status.HostIP);
        var owner = Assert.Single(pod.Metadata.OwnerReferences!);
        Assert.Equal(("Deployment", "collector", created.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        var container = Assert.Single(pod.Status.ContainerStatuses!);
        Assert.True(container.Ready);
        Assert.True(container.State!.Value.TryGetProperty("running", out _));

        var (client, greeting) = await EchoContainer.ConnectAsync(new IPEndPoint(IPAddress.Parse(pod.Status.PodIP!), EchoContainer.Port));
        client.Dispose();
        Assert.Equal(pod.Metadata.Name, greeting);
        Assert.Equal(pod.Status.PodIP, echo.Running[pod.Metadata.Name!].Env("EDGEHA_BIND_ADDRESS"));
        Assert.Equal("node-a", echo.Running[pod.Metadata.Name!].Env("NODE_NAME"));

        await Eventually.TrueAsync(async () =>
        {
            var d = await api.Client.GetAsync<Deployment>("collector", "default");
            return d.Status is { Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1 } s && s.ObservedGeneration == d.Metadata.Generation;
        }, "deployment status");
        Assert.Empty(other.RunningPods);
    }

    [Fact]
    public async Task Deployment_ScaledToZeroAndBack_StopsThenStartsPod()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime());
        await node.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var first = (await api.ReadyPodsAsync("app=collector", 1)).Single();

        await api.Client.PatchAsync<Deployment>("collector", KubePatch.Merge(new { spec = new { replicas = 0 } }), "default");

        await Eventually.TrueAsync(async () => (await api.PodsAsync("app=collector")).Count == 0, "pods gone at 0 replicas");
        await Eventually.TrueAsync(() => echo.Stops.GetValueOrDefault(first.Metadata.Name!) == 1, "the container stopped");
        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Deployment>("collector", "default")).Status?.Replicas == 0, "status replicas 0");

        await api.Client.PatchAsync<Deployment>("collector", KubePatch.Merge(new { spec = new { replicas = 1 } }), "default");

        var second = (await api.ReadyPodsAsync("app=collector", 1)).Single();
        Assert.NotEqual(first.Metadata.Name, second.Metadata.Name);
    }

    [Fact]
    public async Task PodDeleted_IsRecreatedAndOldContainerStopped()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime());
        await node.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var first = (await api.ReadyPodsAsync("app=collector", 1)).Single();

        await api.Client.DeleteAsync<Pod>(first.Metadata.Name!, "default");

        var second = await Eventually.ValueAsync(async () =>
        {
            var pods = await api.ReadyPodsAsync("app=collector", 1);
            return pods.Single().Metadata.Uid != first.Metadata.Uid ? pods.Single() : null;
        }, "a replacement pod");
        Assert.NotEqual(first.Metadata.Name, second.Metadata.Name);
        await Eventually.TrueAsync(() => echo.Stops.GetValueOrDefault(first.Metadata.Name!) == 1, "the old container stopped");
    }

    [Fact]
    public async Task PodLabelPatched_DoesNotRestartContainer()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime());
        await node.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var pod = (await api.ReadyPodsAsync("app=collector", 1)).Single();

        await api.Client.PatchAsync<Pod>(pod.Metadata.Name!, KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["edgeha.io/role"] = "active" } } }), "default");
        await api.ReadyPodsAsync("edgeha.io/role=active", 1);
        // Give the node a few reconcile rounds to (wrongly) act on the change.
        await Task.Delay(1500);

        var pods = await api.PodsAsync("app=collector");
        Assert.Equal(pod.Metadata.Uid, Assert.Single(pods).Metadata.Uid);
        Assert.Equal(1, echo.StartsOf(pod.Metadata.Name!));
        Assert.Equal(0, echo.Stops.GetValueOrDefault(pod.Metadata.Name!));
        Assert.Equal(0, pods[0].Status!.ContainerStatuses![0].RestartCount);
    }

    [Fact]
    public async Task TemplateChanged_RecreatesPod()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime());
        await node.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var first = (await api.ReadyPodsAsync("app=collector", 1)).Single();

        var patch = new { spec = new { template = new { metadata = new { annotations = new Dictionary<string, string> { ["restartedAt"] = "now" } } } } };
        await api.Client.PatchAsync<Deployment>("collector", KubePatch.Merge(patch), "default");

        var second = await Eventually.ValueAsync(async () =>
        {
            var pods = await api.ReadyPodsAsync("app=collector", 1);
            return pods.Single().Metadata.Uid != first.Metadata.Uid ? pods.Single() : null;
        }, "a pod from the new template");
        Assert.Equal("now", second.Metadata.Annotations!["restartedAt"]);
        Assert.NotEqual(first.Metadata.Labels![SimulatedNode.PodTemplateHashLabel], second.Metadata.Labels![SimulatedNode.PodTemplateHashLabel]);
    }

    [Fact]
    public async Task DeploymentDeleted_PodDeletedAndStopped()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime());
        await node.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var pod = (await api.ReadyPodsAsync("app=collector", 1)).Single();

        await api.Client.DeleteAsync<Deployment>("collector", "default");

        await Eventually.TrueAsync(async () => (await api.PodsAsync()).Count == 0, "the pod deleted");
        await Eventually.TrueAsync(() => echo.Stops.GetValueOrDefault(pod.Metadata.Name!) == 1, "its container stopped");
        Assert.Empty(node.RunningPods);
    }

    [Fact]
    public async Task DeploymentRepinned_PodMovesToOtherNode()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var nodeA = api.Node("node-a", echo.Runtime());
        await using var nodeB = api.Node("node-b", echo.Runtime());
        await nodeA.StartAsync();
        await nodeB.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var first = (await api.ReadyPodsAsync("app=collector", 1)).Single();

        var patch = new { spec = new { template = new { spec = new { nodeSelector = new Dictionary<string, string> { [SimulatedNode.HostnameLabel] = "node-b" } } } } };
        await api.Client.PatchAsync<Deployment>("collector", KubePatch.Merge(patch), "default");

        var moved = await Eventually.ValueAsync(async () => (await api.ReadyPodsAsync("app=collector", 1)).SingleOrDefault(p => p.Spec!.NodeName == "node-b"), "the pod on node-b");
        Assert.NotEqual(first.Metadata.Uid, moved.Metadata.Uid);
        await Eventually.TrueAsync(() => echo.Stops.GetValueOrDefault(first.Metadata.Name!) == 1, "the node-a container stopped");
        Assert.Empty(nodeA.RunningPods);
    }

    [Fact]
    public async Task UnknownImage_PodPendingWithErrImagePull()
    {
        await using var api = await TestApi.StartAsync();
        await using var node = api.Node("node-a", new EchoContainer().Runtime());
        await node.StartAsync();

        await api.Client.CreateAsync(TestApi.Deployment("mystery", "node-a", image: "example.org/nobody/mystery:9"));

        var waiting = await Eventually.ValueAsync(async () =>
        {
            var pod = (await api.PodsAsync("app=mystery")).SingleOrDefault();
            var state = pod?.Status?.ContainerStatuses?.SingleOrDefault()?.State;
            return state is { } s && s.TryGetProperty("waiting", out var w) && w.GetProperty("reason").GetString() != "ContainerCreating" ? w.GetRawText() : null;
        }, "a container waiting for its image");
        using var json = JsonDocument.Parse(waiting);
        Assert.Equal("ErrImagePull", json.RootElement.GetProperty("reason").GetString());
        Assert.Contains("mystery", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        var pending = Assert.Single(await api.PodsAsync("app=mystery"));
        Assert.Equal("Pending", pending.Status!.Phase);
        Assert.False(pending.IsReady);
    }

    [Fact]
    public async Task CrashAsync_KillsContainersStopsHeartbeats_RestoreAsync_BringsPodBack()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var node = api.Node("node-a", echo.Runtime(), heartbeat: TimeSpan.FromMilliseconds(200));
        await node.StartAsync();
        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a"));
        var pod = (await api.ReadyPodsAsync("app=collector", 1)).Single();
        var endpoint = new IPEndPoint(IPAddress.Parse(pod.Status!.PodIP!), EchoContainer.Port);

        await node.CrashAsync();

        Assert.True(node.IsCrashed);
        Assert.Equal(1, echo.Stops.GetValueOrDefault(pod.Metadata.Name!));
        await Assert.ThrowsAnyAsync<Exception>(async () => (await EchoContainer.ConnectAsync(endpoint, TimeSpan.FromSeconds(2))).Client.Dispose());
        var lease = await api.Client.GetAsync<Lease>("node-a", SimulatedNode.NodeLeaseNamespace);
        var version = api.Server.ResourceVersion;
        await Task.Delay(800);
        Assert.Equal(lease.Spec!.RenewTime, (await api.Client.GetAsync<Lease>("node-a", SimulatedNode.NodeLeaseNamespace)).Spec!.RenewTime);
        Assert.Equal(version, api.Server.ResourceVersion); // no API writes at all from a dead machine

        await node.RestoreAsync();

        await Eventually.TrueAsync(() => echo.StartsOf(pod.Metadata.Name!) == 2, "the same pod's container started again");
        // The API still shows the pre-crash status until the rebooted kubelet posts its own: a restart of the same pod.
        var back = await Eventually.ValueAsync(
            async () => (await api.ReadyPodsAsync("app=collector", 1)).SingleOrDefault(p => p.Status!.ContainerStatuses![0].RestartCount == 1),
            "the pod ready again with restartCount 1");
        Assert.Equal(pod.Metadata.Uid, back.Metadata.Uid);
        Assert.Equal(pod.Status.PodIP, back.Status!.PodIP);
        var (client, greeting) = await EchoContainer.ConnectAsync(endpoint);
        client.Dispose();
        Assert.Equal(pod.Metadata.Name, greeting);
        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Lease>("node-a", SimulatedNode.NodeLeaseNamespace)).Spec!.RenewTime > lease.Spec.RenewTime, "lease renewals resumed");
    }

    [Fact]
    public async Task HttpReadinessProbe_FailingEndpoint_PodNotReady()
    {
        await using var api = await TestApi.StartAsync();
        await using var node = api.Node("node-a", new EchoContainer().Runtime());
        await node.StartAsync();
        // The echo server does not speak HTTP, so an httpGet probe never succeeds.
        var probe = new Probe { HttpGet = new HttpGetAction { Port = EchoContainer.Port, Path = "/healthz" }, PeriodSeconds = 1, FailureThreshold = 1 };

        await api.Client.CreateAsync(TestApi.Deployment("collector", "node-a", readiness: probe));

        var running = await Eventually.ValueAsync(async () => (await api.PodsAsync("app=collector")).SingleOrDefault(p => p.Status?.Phase == "Running"), "a running pod");
        await Task.Delay(600);
        var pod = Assert.Single(await api.PodsAsync("app=collector"));
        Assert.False(pod.IsReady);
        Assert.Equal(running.Metadata.Uid, pod.Metadata.Uid);
        Assert.Equal(0, (await api.Client.GetAsync<Deployment>("collector", "default")).Status?.ReadyReplicas ?? 0);
    }

    [ToolFact("/usr/bin/python3", "apt-get install python3")]
    public async Task ProcessRuntime_PythonPodBindsPodIpAndPassesHttpProbe_CrashKillsIt()
    {
        await using var api = await TestApi.StartAsync();
        var logs = Path.Combine(Path.GetTempPath(), $"edgeha-nodes-{Guid.NewGuid():N}");
        using var cleanup = new DirectoryCleanup(logs);
        var runtime = new ProcessPodRuntime(new ProcessPodRuntimeOptions { Images = new ImageMap().Add("python", "/usr/bin/python3"), LogDirectory = logs });
        await using var node = api.Node("node-a", runtime);
        await node.StartAsync();
        var deployment = TestApi.Deployment("web", "node-a", image: "docker.io/library/python:3.12", readiness: new Probe { HttpGet = new HttpGetAction { Port = "echo", Path = "/" }, PeriodSeconds = 1 });
        var container = deployment.Spec!.Template!.Spec!.Containers[0];
        container.Args = ["-m", "http.server", "--bind", "$(EDGEHA_BIND_ADDRESS)", "8080"];

        await api.Client.CreateAsync(deployment);

        var pod = (await api.ReadyPodsAsync("app=web", 1, TimeSpan.FromSeconds(20))).Single();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var url = new Uri($"http://{pod.Status!.PodIP}:8080/");
        Assert.Contains("Directory listing", await http.GetStringAsync(url), StringComparison.Ordinal);
        Assert.True(File.Exists(runtime.LogPath("default", pod.Metadata.Name!)));

        await node.CrashAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(url));
    }

    [Theory]
    [InlineData("node-a", null, true)]
    [InlineData("node-b", null, false)]
    [InlineData(null, "node-a", true)]
    [InlineData(null, null, false)]
    public void IsPinnedTo_NodeSelectorOrNodeName(string? selector, string? nodeName, bool expected)
    {
        var d = new Deployment
        {
            Spec = new DeploymentSpec
            {
                Template = new PodTemplateSpec
                {
                    Spec = new PodSpec
                    {
                        NodeName = nodeName,
                        NodeSelector = selector is null ? null : new Dictionary<string, string> { [SimulatedNode.HostnameLabel] = selector },
                    },
                },
            },
        };

        Assert.Equal(expected, SimulatedNode.IsPinnedTo(d, "node-a"));
    }

    [Fact]
    public void TemplateHash_LabelOrderIrrelevant_ContentRelevant()
    {
        var a = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } } };
        var b = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } } };
        var c = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "3" } } };

        Assert.Equal(SimulatedNode.TemplateHash(a), SimulatedNode.TemplateHash(b));
        Assert.NotEqual(SimulatedNode.TemplateHash(a), SimulatedNode.TemplateHash(c));
        Assert.Matches("^[0-9a-f]{10}$", SimulatedNode.TemplateHash(a));
    }
}
