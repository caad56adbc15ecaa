using System.Net.Sockets;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.LoadBalancer;
using EdgeHa.Sandbox.Nodes.Tests.Support;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class LoopbackLoadBalancerTests
{
    private const string Vip = "192.168.50.10";
    private const int VipPort = 5020;
    private static int _prefix;

    private static LoopbackLoadBalancer Balancer(TestApi api) => new(api.Client, new LoopbackLoadBalancerOptions
    {
        // A prefix per test: parallel tests must not share listener addresses.
        LoopbackPrefix = $"127.88.{Interlocked.Increment(ref _prefix) % 250}.",
        ResyncPeriod = TimeSpan.FromSeconds(1),
    });

    private static Service VipService(string annotation = LoopbackLoadBalancer.MetalLbAddressAnnotation) => new()
    {
        Metadata = new ObjectMeta { Name = "pair-vip", Namespace = "default", Annotations = new Dictionary<string, string> { [annotation] = Vip } },
        Spec = new ServiceSpec
        {
            Type = "LoadBalancer",
            ExternalTrafficPolicy = "Local",
            Selector = new Dictionary<string, string> { ["app"] = "pair", ["edgeha.io/role"] = "active" },
            Ports = [new ServicePort { Name = "echo", Port = VipPort, TargetPort = "echo", Protocol = "TCP" }],
        },
    };

    private static Task SetRoleAsync(TestApi api, Pod pod, string role) =>
        api.Client.PatchAsync<Pod>(pod.Metadata.Name!, KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["edgeha.io/role"] = role } } }), "default");

    private static async Task<(Pod A, Pod B)> TwoPodsAsync(TestApi api)
    {
        var labels = new Dictionary<string, string> { ["app"] = "pair" };
        await api.Client.CreateAsync(TestApi.Deployment("pair-node-a", "node-a", labels: labels));
        await api.Client.CreateAsync(TestApi.Deployment("pair-node-b", "node-b", labels: labels));
        var pods = await api.ReadyPodsAsync("app=pair", 2);
        return (pods.Single(p => p.Spec!.NodeName == "node-a"), pods.Single(p => p.Spec!.NodeName == "node-b"));
    }

    [Fact]
    public async Task ActiveLabelMoves_NewConnectionsFollowAndOldConnectionsClose()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var nodeA = api.Node("node-a", echo.Runtime());
        await using var nodeB = api.Node("node-b", echo.Runtime());
        await nodeA.StartAsync();
        await nodeB.StartAsync();
        var (a, b) = await TwoPodsAsync(api);
        await using var lb = Balancer(api);
        await lb.StartAsync();
        await api.Client.CreateAsync(VipService());
        var endpoint = await Eventually.ValueAsync(() => Task.FromResult(lb.Resolve(Vip, VipPort)), "the VIP listener");
        Assert.Equal(lb.VipMappings[Vip], endpoint.Address.ToString());
        Assert.Null(lb.Backend(Vip, VipPort)); // nothing is active yet

        await SetRoleAsync(api, a, "active");
        await Eventually.TrueAsync(() => lb.Backend(Vip, VipPort) is not null, "a backend");
        var (first, greeting) = await EchoContainer.ConnectAsync(endpoint);
        using var firstClient = first;
        Assert.Equal(a.Metadata.Name, greeting);
        Assert.Equal("node-a", lb.AnnouncingNode("default", "pair-vip"));

        await SetRoleAsync(api, a, "standby");
        await SetRoleAsync(api, b, "active");

        await Eventually.TrueAsync(() => lb.Backend(Vip, VipPort)?.Address.ToString() == b.Status!.PodIP, "the backend moved to pod b");
        var (second, greeting2) = await EchoContainer.ConnectAsync(endpoint);
        second.Dispose();
        Assert.Equal(b.Metadata.Name, greeting2);
        Assert.Equal("node-b", lb.AnnouncingNode("default", "pair-vip"));
        // The connection to the old pod was cut when the VIP moved.
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[16];
        var ended = await Record.ExceptionAsync(async () =>
        {
            var stream = firstClient.GetStream();
            var n = await stream.ReadAsync(buffer, read.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }
        });
        Assert.True(ended is IOException or SocketException or EndOfStreamException, $"expected a closed connection, got {ended?.GetType().Name ?? "data"}");
    }

    [Fact]
    public async Task MetalLbService_StatusIngressAndNodeAssignedEvent()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var nodeA = api.Node("node-a", echo.Runtime());
        await using var nodeB = api.Node("node-b", echo.Runtime());
        await nodeA.StartAsync();
        await nodeB.StartAsync();
        var (a, _) = await TwoPodsAsync(api);
        await SetRoleAsync(api, a, "active");
        await using var lb = Balancer(api);
        await lb.StartAsync();

        await api.Client.CreateAsync(VipService());

        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Service>("pair-vip", "default")).Status?.LoadBalancer?.Ingress?.SingleOrDefault()?.Ip == Vip, "status ingress");
        var e = await Eventually.ValueAsync(async () => (await api.Client.ListAsync<Event>("default")).Items.SingleOrDefault(x => x.Reason == "nodeAssigned"), "a nodeAssigned event");
        Assert.Equal("pair-vip", e.Regarding!.Name);
        Assert.Contains("announcing from node \"node-a\"", e.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubeVipService_SetsVipHostAnnotation()
    {
        await using var api = await TestApi.StartAsync();
        var echo = new EchoContainer();
        await using var nodeA = api.Node("node-a", echo.Runtime());
        await using var nodeB = api.Node("node-b", echo.Runtime());
        await nodeA.StartAsync();
        await nodeB.StartAsync();
        var (_, b) = await TwoPodsAsync(api);
        await SetRoleAsync(api, b, "active");
        await using var lb = Balancer(api);
        await lb.StartAsync();

        await api.Client.CreateAsync(VipService(LoopbackLoadBalancer.KubeVipAddressAnnotation));

        await Eventually.TrueAsync(async () => (await api.Client.GetAsync<Service>("pair-vip", "default")).Metadata.Annotations?.TryGetValue(LoopbackLoadBalancer.KubeVipHostAnnotation, out var h) == true && h == "node-b", "kube-vip.io/vipHost=node-b");
        var endpoint = lb.Resolve(Vip, VipPort)!;
        var (client, greeting) = await EchoContainer.ConnectAsync(endpoint);
        client.Dispose();
        Assert.Equal(b.Metadata.Name, greeting);
    }

    [Fact]
    public async Task ServiceDeleted_ListenerClosed()
    {
        await using var api = await TestApi.StartAsync();
        await using var lb = Balancer(api);
        await lb.StartAsync();
        await api.Client.CreateAsync(VipService());
        var endpoint = await Eventually.ValueAsync(() => Task.FromResult(lb.Resolve(Vip, VipPort)), "the VIP listener");

        await api.Client.DeleteAsync<Service>("pair-vip", "default");

        await Eventually.TrueAsync(() => lb.Resolve(Vip, VipPort) is null, "the listener removed");
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(endpoint));
    }

    [Theory]
    [InlineData(LoopbackLoadBalancer.MetalLbAddressAnnotation, "10.0.0.5", null, "10.0.0.5")]
    [InlineData(LoopbackLoadBalancer.KubeVipAddressAnnotation, "10.0.0.6, 10.0.0.7", null, "10.0.0.6,10.0.0.7")]
    [InlineData(null, null, "10.0.0.8", "10.0.0.8")]
    [InlineData(LoopbackLoadBalancer.MetalLbAddressAnnotation, "not-an-ip,fd00::1", null, "")]
    public void VipsOf_AnnotationsOrSpec(string? annotation, string? value, string? specIp, string expected)
    {
        var service = new Service
        {
            Metadata = new ObjectMeta { Annotations = annotation is null ? null : new Dictionary<string, string> { [annotation] = value! } },
            Spec = new ServiceSpec { LoadBalancerIP = specIp },
        };

        Assert.Equal(expected, string.Join(',', LoopbackLoadBalancer.VipsOf(service)));
    }

    [Fact]
    public async Task MapVip_FixedMappingAndAllocation()
    {
        await using var api = await TestApi.StartAsync();
        await using var lb = new LoopbackLoadBalancer(api.Client, new LoopbackLoadBalancerOptions
        {
            VipMappings = new Dictionary<string, string> { ["10.1.1.1"] = "127.88.0.1" },
            LoopbackPrefix = "127.88.0.",
        });

        Assert.Equal("127.88.0.1", lb.MapVip("10.1.1.1"));
        Assert.Equal("127.88.0.2", lb.MapVip("10.1.1.2"));
        Assert.Equal("127.88.0.2", lb.MapVip("10.1.1.2"));
        Assert.Throws<ArgumentException>(() => new LoopbackLoadBalancer(api.Client, new LoopbackLoadBalancerOptions { VipMappings = new Dictionary<string, string> { ["10.1.1.1"] = "10.2.2.2" } }));
    }
}
