using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes.LoadBalancer;

/// <summary>
/// The sandbox's MetalLB / kube-vip: serves Services of type LoadBalancer. The VIP comes from the annotation
/// metallb.io/loadBalancerIPs or kube-vip.io/loadbalancerIPs, or spec.loadBalancerIP. Real VIPs cannot be bound here,
/// so each VIP port is a TCP listener on a loopback stand-in address (see <see cref="VipMappings"/>) that forwards to a
/// Ready pod chosen by the Service selector. The pod's node is the announcing node (externalTrafficPolicy Local; Cluster
/// is treated the same). It writes status.loadBalancer.ingress, kube-vip.io/vipHost for kube-vip services, and a
/// nodeAssigned Event when the announcing node changes.
/// </summary>
public sealed class LoopbackLoadBalancer : IAsyncDisposable
{
    public const string MetalLbAddressAnnotation = "metallb.io/loadBalancerIPs";
    public const string KubeVipAddressAnnotation = "kube-vip.io/loadbalancerIPs";
    public const string KubeVipHostAnnotation = "kube-vip.io/vipHost";

    private readonly IKubernetesClient _client;
    private readonly LoopbackLoadBalancerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResourceInformer<Service> _services;
    private readonly ResourceInformer<Pod> _pods;
    private readonly Signal _dirty = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _vipToLoopback = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Vip, int Port), (string Service, VipPortForwarder Forwarder)> _forwarders = [];
    private readonly Dictionary<string, ServiceState> _state = new(StringComparer.Ordinal);
    private CancellationTokenSource? _cts;
    private Task[] _loops = [];

    public LoopbackLoadBalancer(IKubernetesClient client, LoopbackLoadBalancerOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new LoopbackLoadBalancerOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LoopbackLoadBalancer>();
        foreach (var (vip, loopback) in _options.VipMappings)
        {
            if (!IPAddress.TryParse(loopback, out var address) || !IPAddress.IsLoopback(address))
            {
                throw new ArgumentException($"VIP mapping {vip} -> {loopback}: the target must be a loopback address (127.0.0.0/8)", nameof(options));
            }

            _vipToLoopback[vip] = loopback;
        }

        _services = new ResourceInformer<Service>(client, null, null, null, _time, _logger, (_, _) => _dirty.Set());
        _pods = new ResourceInformer<Pod>(client, null, null, null, _time, _logger, (_, _) => _dirty.Set());
    }

    /// <summary>VIP -> the loopback address that stands in for it.</summary>
    public IReadOnlyDictionary<string, string> VipMappings
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_vipToLoopback, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Starts watching Services and Pods; returns once both are listed and the first pass is done.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_cts is not null)
        {
            throw new InvalidOperationException("the load balancer was already started");
        }

        _cts = new CancellationTokenSource();
        var ct = _cts.Token;
        _loops =
        [
            Task.Run(() => _services.RunAsync(ct), CancellationToken.None),
            Task.Run(() => _pods.RunAsync(ct), CancellationToken.None),
            Task.Run(() => ReconcileLoopAsync(ct), CancellationToken.None),
        ];
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ct);
        await _services.WaitSyncedAsync(linked.Token);
        await _pods.WaitSyncedAsync(linked.Token);
    }

    /// <summary>The local endpoint that answers for <paramref name="vip"/>:<paramref name="port"/>, or null when no Service serves it.</summary>
    public IPEndPoint? Resolve(string vip, int port)
    {
        lock (_gate)
        {
            return _forwarders.TryGetValue((vip, port), out var f) ? f.Forwarder.Endpoint : null;
        }
    }

    /// <summary>The pod endpoint new connections to <paramref name="vip"/>:<paramref name="port"/> go to, or null.</summary>
    public IPEndPoint? Backend(string vip, int port)
    {
        lock (_gate)
        {
            return _forwarders.TryGetValue((vip, port), out var f) ? f.Forwarder.Backend : null;
        }
    }

    /// <summary>The node announcing a Service's VIP, or null.</summary>
    public string? AnnouncingNode(string @namespace, string name)
    {
        lock (_gate)
        {
            return _state.TryGetValue(ResourceInformer<Service>.Key(@namespace, name), out var s) ? s.Node : null;
        }
    }

    /// <summary>The loopback stand-in of a VIP, allocating the next free one when it has none yet.</summary>
    public string MapVip(string vip)
    {
        lock (_gate)
        {
            if (_vipToLoopback.TryGetValue(vip, out var mapped))
            {
                return mapped;
            }

            var used = _vipToLoopback.Values.ToHashSet(StringComparer.Ordinal);
            for (var n = 1; n <= 254; n++)
            {
                var candidate = _options.LoopbackPrefix + n;
                if (!used.Contains(candidate))
                {
                    _vipToLoopback[vip] = candidate;
                    Log.VipMapped(_logger, vip, candidate);
                    return candidate;
                }
            }

            throw new InvalidOperationException($"no loopback address left under {_options.LoopbackPrefix} for VIP {vip}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cts is not null)
        {
            await _cts.CancelAsync();
            try
            {
                await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                // stopping
            }
        }

        List<VipPortForwarder> all;
        lock (_gate)
        {
            all = _forwarders.Values.Select(f => f.Forwarder).ToList();
            _forwarders.Clear();
        }

        foreach (var f in all)
        {
            await f.DisposeAsync();
        }

        _cts?.Dispose();
    }

    /// <summary>The VIPs a Service asks for (IPv4 only), from the provider annotations or spec.loadBalancerIP.</summary>
    public static IReadOnlyList<string> VipsOf(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var annotations = service.Metadata.Annotations;
        var raw = annotations?.ValueOrNull(MetalLbAddressAnnotation)
            ?? annotations?.ValueOrNull(KubeVipAddressAnnotation)
            ?? service.Spec?.LoadBalancerIP
            ?? "";
        return raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => IPAddress.TryParse(a, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private async Task ReconcileLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _dirty.WaitAsync(_options.ResyncPeriod, _time, ct);
                if (!_services.Synced || !_pods.Synced)
                {
                    continue;
                }

                try
                {
                    await ReconcileAsync(ct);
                }
                catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException or SocketException)
                {
                    Log.LoadBalancerFailed(_logger, ex.Message);
                    _dirty.Set();
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        var services = _services.Items
            .Where(s => s.Spec?.Type == "LoadBalancer" && s.Metadata.DeletionTimestamp is null)
            .OrderBy(s => s.Metadata.CreationTimestamp)
            .ThenBy(s => ResourceInformer<Service>.Key(s.Metadata.Namespace, s.Metadata.Name), StringComparer.Ordinal)
            .ToList();
        var wanted = new HashSet<(string, int)>();
        // Candidates once per pass, by namespace: a pass is O(services x pods of their namespace).
        var candidates = _pods.Items
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase == "Running" && p.IsReady && !string.IsNullOrEmpty(p.Status.PodIP))
            .OrderBy(p => p.Metadata.CreationTimestamp)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ToLookup(p => p.Metadata.Namespace ?? "", StringComparer.Ordinal);
        foreach (var service in services)
        {
            var key = ResourceInformer<Service>.Key(service.Metadata.Namespace, service.Metadata.Name);
            var vips = VipsOf(service);
            var pod = SelectPod(service, key, candidates[service.Metadata.Namespace ?? ""]);
            Serve(service, key, vips, pod, wanted);
            await WriteStatusAsync(service, vips, ct);
            await AnnounceAsync(service, key, pod?.Spec?.NodeName, ct);
        }

        List<VipPortForwarder> removed = [];
        lock (_gate)
        {
            foreach (var k in _forwarders.Keys.Where(k => !wanted.Contains(k)).ToList())
            {
                removed.Add(_forwarders[k].Forwarder);
                _forwarders.Remove(k);
            }

            var live = services.Select(s => ResourceInformer<Service>.Key(s.Metadata.Namespace, s.Metadata.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var k in _state.Keys.Where(k => !live.Contains(k)).ToList())
            {
                _state.Remove(k);
            }
        }

        foreach (var f in removed)
        {
            await f.DisposeAsync();
        }
    }

    /// <summary>A Ready, running pod the selector matches: the current one while it stays eligible, else the oldest.</summary>
    private Pod? SelectPod(Service service, string key, IEnumerable<Pod> candidates)
    {
        var selector = service.Spec?.Selector;
        if (selector is null || selector.Count == 0)
        {
            return null;
        }

        var eligible = candidates.Where(p => selector.All(kv => p.Metadata.Labels?.ValueOrNull(kv.Key) == kv.Value)).ToList();
        string? currentUid;
        lock (_gate)
        {
            currentUid = _state.GetValueOrDefault(key)?.PodUid;
        }

        return eligible.FirstOrDefault(p => p.Metadata.Uid == currentUid) ?? eligible.FirstOrDefault();
    }

    private void Serve(Service service, string key, IReadOnlyList<string> vips, Pod? pod, HashSet<(string, int)> wanted)
    {
        lock (_gate)
        {
            var state = _state.TryGetValue(key, out var s) ? s : _state[key] = new ServiceState();
            state.PodUid = pod?.Metadata.Uid;
        }

        foreach (var vip in vips)
        {
            foreach (var port in (service.Spec?.Ports ?? []).Where(p => p.Protocol is null or "TCP"))
            {
                var id = (vip, port.Port);
                VipPortForwarder? forwarder;
                lock (_gate)
                {
                    if (_forwarders.TryGetValue(id, out var existing) && existing.Service != key)
                    {
                        Log.VipPortTaken(_logger, vip, port.Port, key, existing.Service);
                        continue;
                    }

                    forwarder = existing.Forwarder;
                }

                if (forwarder is null)
                {
                    var loopback = IPAddress.Parse(MapVip(vip));
                    try
                    {
                        forwarder = new VipPortForwarder(new IPEndPoint(loopback, port.Port), _options.ConnectTimeout, _logger);
                    }
                    catch (SocketException ex)
                    {
                        Log.ListenFailed(_logger, vip, port.Port, loopback.ToString(), ex.Message);
                        continue;
                    }

                    lock (_gate)
                    {
                        _forwarders[id] = (key, forwarder);
                    }

                    Log.VipServing(_logger, vip, port.Port, forwarder.Endpoint.ToString(), key);
                }

                wanted.Add(id);
                var backend = pod is null ? null : new IPEndPoint(IPAddress.Parse(pod.Status!.PodIP!), TargetPort(port, pod));
                if (!Equals(forwarder.Backend, backend))
                {
                    Log.BackendChanged(_logger, vip, port.Port, backend?.ToString() ?? "none", pod?.Metadata.Name ?? "-");
                    forwarder.SetBackend(backend);
                }
            }
        }
    }

    private static int TargetPort(ServicePort port, Pod pod)
    {
        if (port.TargetPort is not { } target)
        {
            return port.Port;
        }

        if (target.Int is { } number)
        {
            return number;
        }

        return pod.Spec?.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == target.String)?.Port ?? port.Port;
    }

    private async Task WriteStatusAsync(Service service, IReadOnlyList<string> vips, CancellationToken ct)
    {
        var current = service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip ?? "").ToList() ?? [];
        if (current.SequenceEqual(vips, StringComparer.Ordinal))
        {
            return;
        }

        var ingress = new JsonArray(vips.Select(v => (JsonNode)new JsonObject { ["ip"] = v, ["ipMode"] = "VIP" }).ToArray());
        var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress } } };
        try
        {
            var updated = await _client.PatchStatusAsync<Service>(service.Metadata.Name!, KubePatch.Merge(patch), service.Metadata.Namespace, ct);
            _services.Upsert(updated);
        }
        catch (NotFoundException)
        {
            // deleted meanwhile
        }
    }

    private async Task AnnounceAsync(Service service, string key, string? node, CancellationToken ct)
    {
        ServiceState state;
        lock (_gate)
        {
            state = _state[key];
        }

        if (node is not null && state.Node != node)
        {
            state.Node = node;
            Log.Announcing(_logger, key, node);
            await RecordEventAsync(service, node, ct);
        }
        else if (node is null && state.Node is not null)
        {
            state.Node = null;
        }

        var isKubeVip = service.Metadata.Annotations?.ContainsKey(KubeVipAddressAnnotation) == true;
        if (isKubeVip && node is not null && service.Metadata.Annotations?.ValueOrNull(KubeVipHostAnnotation) != node)
        {
            try
            {
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [KubeVipHostAnnotation] = node } } };
                var updated = await _client.PatchAsync<Service>(service.Metadata.Name!, KubePatch.Merge(patch), service.Metadata.Namespace, ct);
                _services.Upsert(updated);
            }
            catch (NotFoundException)
            {
                // deleted meanwhile
            }
        }
    }

    private async Task RecordEventAsync(Service service, string node, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var e = new Event
        {
            Metadata = new ObjectMeta
            {
                Name = $"{service.Metadata.Name}.{now.ToUnixTimeMilliseconds():x}{Random.Shared.Next(0x1000):x3}",
                Namespace = service.Metadata.Namespace,
            },
            EventTime = now,
            ReportingController = _options.ReportingController,
            ReportingInstance = node,
            Action = "Announce",
            Reason = "nodeAssigned",
            Regarding = ObjectReference.To(service),
            Note = $"announcing from node \"{node}\" with protocol \"layer2\"",
            Type = "Normal",
        };
        try
        {
            await _client.CreateAsync(e, ct);
        }
        catch (KubernetesApiException ex)
        {
            Log.EventFailed(_logger, service.Metadata.Name ?? "", ex.Message);
        }
    }

    private sealed class ServiceState
    {
        public string? PodUid { get; set; }

        public string? Node { get; set; }
    }
}
