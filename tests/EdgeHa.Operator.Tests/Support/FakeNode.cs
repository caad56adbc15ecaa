using System.Text.Json.Nodes;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>
/// A node stand-in: the Node object with a Ready condition, its kube-node-lease Lease renewed every 200 ms, a pod IP
/// on loopback, and an API client of its own that can be partitioned (used by the collectors running "on" it).
/// </summary>
internal sealed class FakeNode : IAsyncDisposable
{
    private readonly IKubernetesClient _admin;
    private readonly k8s.KubernetesClientConfiguration _config;
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;

    public FakeNode(string name, string ip, k8s.KubernetesClientConfiguration config, IKubernetesClient admin)
    {
        Name = name;
        Ip = ip;
        _admin = admin;
        _config = config;
        Handler = new PartitionableHandler();
        Client = new KubernetesClient(config, handler: Handler, options: TestCluster.ClientOptions);
    }

    public string Name { get; }

    public string Ip { get; }

    /// <summary>How this node's collector answers probes.</summary>
    public HealthMode Health { get; set; } = HealthMode.Healthy;

    public PartitionableHandler Handler { get; }

    public KubernetesClient Client { get; }

    /// <summary>Another client of this node (partitioned with it) that authenticates with <paramref name="token"/>.</summary>
    public KubernetesClient ClientWithToken(string token) =>
        new(new k8s.KubernetesClientConfiguration { Host = _config.Host, AccessToken = token }, handler: new PartitionableHandler(Handler), options: TestCluster.ClientOptions);

    /// <summary>Stops renewing the node lease (a dead kubelet).</summary>
    private volatile bool _heartbeatStopped;

    public bool HeartbeatStopped
    {
        get => _heartbeatStopped;
        set => _heartbeatStopped = value;
    }

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var node = new Node
        {
            Metadata = new ObjectMeta { Name = Name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = Name } },
            Spec = new NodeSpec(),
            Status = new NodeStatus
            {
                Conditions = [new NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = DateTimeOffset.UtcNow, LastTransitionTime = DateTimeOffset.UtcNow }],
                Addresses = [new NodeAddress { Type = "InternalIP", Address = Ip }],
            },
        };
        await _admin.CreateAsync(node, cancellationToken);
        await _admin.CreateAsync(new Lease
        {
            Metadata = new ObjectMeta { Name = Name, Namespace = "kube-node-lease" },
            Spec = new LeaseSpec { HolderIdentity = Name, LeaseDurationSeconds = 40, RenewTime = DateTimeOffset.UtcNow },
        }, cancellationToken);
        _heartbeat = Task.Run(() => HeartbeatAsync(_stop.Token));
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(200, cancellationToken);
                if (!HeartbeatStopped && !Handler.Cut)
                {
                    var patch = new JsonObject { ["spec"] = new JsonObject { ["renewTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ") } };
                    await _admin.PatchAsync<Lease>(Name, KubePatch.Merge(patch), "kube-node-lease", cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
            {
                // Injected faults: try again at the next beat.
            }
        }
    }

    /// <summary>Sets the node's Ready condition (what the node controller does when heartbeats stop).</summary>
    public async Task SetReadyAsync(bool ready, CancellationToken cancellationToken)
    {
        var node = await _admin.GetAsync<Node>(Name, cancellationToken: cancellationToken);
        var condition = node.Status!.Conditions!.First(c => c.Type == "Ready");
        condition.Status = ready ? "True" : "Unknown";
        condition.Reason = ready ? "KubeletReady" : "NodeStatusUnknown";
        condition.LastTransitionTime = DateTimeOffset.UtcNow;
        await _admin.ReplaceStatusAsync(node, cancellationToken);
    }

    /// <summary>Cordons or uncordons the node.</summary>
    public Task SetUnschedulableAsync(bool unschedulable, CancellationToken cancellationToken) =>
        _admin.PatchAsync<Node>(Name, KubePatch.Merge(new JsonObject { ["spec"] = new JsonObject { ["unschedulable"] = unschedulable } }), cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        Client.Dispose();
        _stop.Dispose();
    }
}
