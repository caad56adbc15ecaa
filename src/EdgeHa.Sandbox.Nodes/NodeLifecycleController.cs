using System.Collections.Concurrent;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// The node lifecycle part of kube-controller-manager, kept simple: a node whose lease has not been renewed for the
/// grace period gets its conditions set to Unknown (reason NodeStatusUnknown), the taints node.kubernetes.io/unreachable
/// NoSchedule and NoExecute, and its pods' Ready condition set to False. When the kubelet posts Ready again, the taints go.
/// Staleness is measured by this controller's own clock from when it saw the lease change, as the real one does, so
/// clock skew between nodes does not matter.
/// </summary>
public sealed class NodeLifecycleController : IAsyncDisposable
{
    /// <summary>The taint of an unreachable node.</summary>
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    private readonly IKubernetesClient _client;
    private readonly NodeLifecycleControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (string? RenewMark, long SeenAt)> _probes = new(StringComparer.Ordinal);
    private readonly ResourceInformer<Node> _nodes;
    private readonly ResourceInformer<Lease> _leases;
    private readonly Signal _wake = new();
    private CancellationTokenSource? _cts;
    private Task[] _loops = [];

    public NodeLifecycleController(IKubernetesClient client, NodeLifecycleControllerOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new NodeLifecycleControllerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.GracePeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.MonitorPeriod, TimeSpan.Zero);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NodeLifecycleController>();
        _nodes = new ResourceInformer<Node>(client, null, null, null, _time, _logger, (_, _) => _wake.Set());
        _leases = new ResourceInformer<Lease>(client, SimulatedNode.NodeLeaseNamespace, null, null, _time, _logger, (_, _) => _wake.Set());
    }

    /// <summary>Starts watching; returns once nodes and leases are listed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_cts is not null)
        {
            throw new InvalidOperationException("the node lifecycle controller was already started");
        }

        _cts = new CancellationTokenSource();
        var ct = _cts.Token;
        _loops =
        [
            Task.Run(() => _nodes.RunAsync(ct), CancellationToken.None),
            Task.Run(() => _leases.RunAsync(ct), CancellationToken.None),
            Task.Run(() => MonitorLoopAsync(ct), CancellationToken.None),
        ];
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ct);
        await _nodes.WaitSyncedAsync(linked.Token);
        await _leases.WaitSyncedAsync(linked.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cts is null)
        {
            return;
        }

        await _cts.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // stopping
        }

        _cts.Dispose();
    }

    private async Task MonitorLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _wake.WaitAsync(_options.MonitorPeriod, _time, ct);
                if (!_nodes.Synced || !_leases.Synced)
                {
                    continue;
                }

                foreach (var node in _nodes.Items.ToList())
                {
                    try
                    {
                        await MonitorAsync(node, ct);
                    }
                    catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException)
                    {
                        Log.LifecycleFailed(_logger, node.Metadata.Name ?? "", ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task MonitorAsync(Node node, CancellationToken ct)
    {
        var name = node.Metadata.Name ?? "";
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var lease = _leases.Get(SimulatedNode.NodeLeaseNamespace, name);

        // The probe mark moves whenever the kubelet shows life: a lease renewal or a new heartbeat time.
        var mark = $"{lease?.Spec?.RenewTime?.ToUnixTimeMilliseconds()}|{ready?.LastHeartbeatTime?.ToUnixTimeMilliseconds()}";
        var now = _time.GetTimestamp();
        var probe = _probes.AddOrUpdate(name, _ => (mark, now), (_, old) => old.RenewMark == mark ? old : (mark, now));
        var stale = _time.GetElapsedTime(probe.SeenAt, now) > _options.GracePeriod;
        var tainted = node.Spec?.Taints?.Any(t => t.Key == UnreachableTaint) == true;

        if (stale && ready?.Status != "Unknown")
        {
            await MarkUnknownAsync(node, ct);
        }
        else if (!stale && ready?.Status == "True" && tainted)
        {
            await RemoveTaintsAsync(node, ct);
        }
        else if (stale && !tainted)
        {
            await AddTaintsAsync(node, ct);
        }
    }

    private async Task MarkUnknownAsync(Node cached, CancellationToken ct)
    {
        var node = KubeJson.Deserialize<Node>(KubeJson.Serialize(cached)); // never edit the cache: a failed write must be retried
        var name = node.Metadata.Name!;
        var now = _time.GetUtcNow();
        node.Status ??= new NodeStatus();
        var conditions = node.Status.Conditions ?? [];
        if (!conditions.Any(c => c.Type == "Ready"))
        {
            conditions.Add(new NodeCondition { Type = "Ready" });
        }

        foreach (var c in conditions)
        {
            if (c.Status != "Unknown")
            {
                c.LastTransitionTime = now;
            }

            c.Status = "Unknown";
            c.Reason = "NodeStatusUnknown";
            c.Message = "Kubelet stopped posting node status.";
        }

        node.Status.Conditions = conditions;
        var updated = await _client.ReplaceStatusAsync(node, ct);
        _nodes.Upsert(updated);
        Log.NodeUnknown(_logger, name, _options.GracePeriod.TotalSeconds);
        await AddTaintsAsync(updated, ct);
        if (_options.MarkPodsNotReady)
        {
            await MarkPodsNotReadyAsync(name, ct);
        }
    }

    private async Task AddTaintsAsync(Node node, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var taints = (node.Spec?.Taints ?? []).Where(t => t.Key != UnreachableTaint).ToList();
        taints.Add(new Taint { Key = UnreachableTaint, Effect = "NoSchedule", TimeAdded = now });
        taints.Add(new Taint { Key = UnreachableTaint, Effect = "NoExecute", TimeAdded = now });
        var updated = await _client.PatchAsync<Node>(node.Metadata.Name!, KubePatch.Merge(new { spec = new { taints } }), cancellationToken: ct);
        _nodes.Upsert(updated);
    }

    private async Task RemoveTaintsAsync(Node node, CancellationToken ct)
    {
        var taints = (node.Spec?.Taints ?? []).Where(t => t.Key != UnreachableTaint).ToList();
        var updated = await _client.PatchAsync<Node>(node.Metadata.Name!, KubePatch.Merge(new { spec = new { taints } }), cancellationToken: ct);
        _nodes.Upsert(updated);
        Log.NodeReachable(_logger, node.Metadata.Name ?? "");
    }

    private async Task MarkPodsNotReadyAsync(string nodeName, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var pods = await _client.ListAllAsync<Pod>(ResourceType.Of<Pod>(), null, new ListOptions { FieldSelector = $"spec.nodeName={nodeName}" }, ct);
        foreach (var pod in pods.Items.Where(p => p.IsReady))
        {
            var conditions = pod.Status!.Conditions!;
            foreach (var c in conditions.Where(c => c.Type is "Ready" or "ContainersReady"))
            {
                c.Status = "False";
                c.Reason = "NodeNotReady";
                c.Message = $"node {nodeName} is unreachable";
                c.LastTransitionTime = now;
            }

            try
            {
                await _client.PatchStatusAsync<Pod>(pod.Metadata.Name!, KubePatch.Merge(new { status = new { conditions } }), pod.Metadata.Namespace, ct);
            }
            catch (NotFoundException)
            {
                // deleted meanwhile
            }
        }
    }
}
