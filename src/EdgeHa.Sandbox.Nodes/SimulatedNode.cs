using System.Collections.Concurrent;
using System.Text.Json;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.Nodes.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// A simulated machine of the sandbox cluster: its kubelet registers the Node, renews the node Lease and posts the
/// Ready heartbeat, runs the pods bound to it through an <see cref="IPodRuntime"/>, and — standing in for the
/// deployment controller — keeps spec.replicas pods of every Deployment pinned to it (nodeSelector
/// kubernetes.io/hostname). Everything goes through the API, as on a real cluster.
/// </summary>
public sealed partial class SimulatedNode : IAsyncDisposable
{
    /// <summary>The node-lease namespace.</summary>
    public const string NodeLeaseNamespace = "kube-node-lease";

    /// <summary>The standard hostname label that pins a pod to this node.</summary>
    public const string HostnameLabel = "kubernetes.io/hostname";

    private readonly IKubernetesClient _client;
    private readonly SimulatedNodeOptions _options;
    private readonly IPodRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PodIpAllocator _ips;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _transition = new(1, 1);
    private CancellationTokenSource? _run;
    private List<Task> _loops = [];
    private Lease? _lease;
    private string? _nodeUid;
    private int _state; // 0 stopped, 1 running, 2 crashed

    public SimulatedNode(IKubernetesClient client, SimulatedNodeOptions options, IPodRuntime runtime, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        options.Validate();
        _client = client;
        _options = options;
        _runtime = runtime;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SimulatedNode>();
        _ips = options.AddressPrefix is null ? new PodIpAllocator(options.Index) : new PodIpAllocator(options.AddressPrefix);
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    public string Name => _options.Name;

    /// <summary>The node's own address (its InternalIP).</summary>
    public string HostIP => _ips.HostIP;

    /// <summary>True while the machine is up (started and not crashed).</summary>
    public bool IsRunning => Volatile.Read(ref _state) == 1;

    /// <summary>True between <see cref="CrashAsync"/> and <see cref="RestoreAsync"/>.</summary>
    public bool IsCrashed => Volatile.Read(ref _state) == 2;

    /// <summary>The pods running here now: "namespace/name" -> pod IP.</summary>
    public IReadOnlyDictionary<string, string> RunningPods =>
        _workers.Values.ToDictionary(w => $"{w.Observed.Metadata.Namespace}/{w.Observed.Metadata.Name}", w => w.PodIP, StringComparer.Ordinal);

    /// <summary>Registers the Node and its Lease, then starts the heartbeat and the kubelet; returns once both caches are filled.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _transition.WaitAsync(cancellationToken);
        try
        {
            if (_state != 0)
            {
                throw new InvalidOperationException($"node {Name} was already started");
            }

            await RegisterAsync(cancellationToken);
            await BootAsync(cancellationToken);
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>
    /// The machine dies: heartbeats and lease renewals stop, every process of its pods is killed at once, and nothing
    /// more is written to the API. The Node and its pods stay in the API as they were, as they would on a real cluster.
    /// </summary>
    public async Task CrashAsync()
    {
        await _transition.WaitAsync();
        try
        {
            if (_state != 1)
            {
                return;
            }

            _state = 2;
            await _run!.CancelAsync();
            await KillWorkersAsync();
            await WaitLoopsAsync();
            await KillWorkersAsync(); // any a reconcile pass under way started meanwhile
            Log.NodeCrashed(_logger, Name);
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>The machine boots again: heartbeats resume and the containers of its pods start again, as a kubelet does after a reboot.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken = default)
    {
        await _transition.WaitAsync(cancellationToken);
        try
        {
            if (_state != 2)
            {
                return;
            }

            await BootAsync(cancellationToken);
            Log.NodeRestored(_logger, Name);
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>Stops the heartbeat and the kubelet and stops every container gracefully; writes nothing to the API.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transition.WaitAsync();
        try
        {
            if (_run is not null)
            {
                await _run.CancelAsync();
            }

            await WaitLoopsAsync();
            await Task.WhenAll(_workers.Values.Select(w => w.DisposeAsync().AsTask()));
            _workers.Clear();
            _run?.Dispose();
            _run = null;
            _state = 0;
        }
        finally
        {
            _transition.Release();
        }
    }

    private async Task KillWorkersAsync()
    {
        var killed = new List<Task>();
        foreach (var uid in _workers.Keys.ToList())
        {
            if (_workers.TryRemove(uid, out var worker))
            {
                killed.Add(worker.KillAsync().AsTask());
                _ips.Release(uid);
            }
        }

        await Task.WhenAll(killed);
    }

    private async Task BootAsync(CancellationToken cancellationToken)
    {
        _run?.Dispose();
        _run = new CancellationTokenSource();
        var token = _run.Token;
        _state = 1;
        _readySince = null; // a boot is a new Ready transition
        try
        {
            // The first heartbeat before anything else, so the node is Ready by the time StartAsync returns.
            await HeartbeatOnceAsync(token);
        }
        catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException)
        {
            Log.HeartbeatFailed(_logger, Name, ex.Message);
        }

        var kubelet = new Kubelet(this, token);
        _loops = [Task.Run(() => HeartbeatLoopAsync(token), CancellationToken.None), .. kubelet.Start()];
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, token);
        await kubelet.WaitSyncedAsync(linked.Token);
    }

    private async Task WaitLoopsAsync()
    {
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            Log.ContainerLoopHung(_logger, "", Name);
        }
        catch (OperationCanceledException)
        {
            // loops end by cancellation
        }

        _loops = [];
    }

    private async Task RegisterAsync(CancellationToken ct)
    {
        var labels = new Dictionary<string, string>(_options.Labels, StringComparer.Ordinal)
        {
            [HostnameLabel] = Name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
        };
        Node node;
        try
        {
            node = await _client.CreateAsync(new Node { Metadata = new ObjectMeta { Name = Name, Labels = labels }, Spec = new NodeSpec() }, ct);
        }
        catch (AlreadyExistsException)
        {
            node = await _client.PatchAsync<Node>(Name, KubePatch.Merge(new { metadata = new { labels } }), cancellationToken: ct);
        }

        _nodeUid = node.Metadata.Uid;
        Log.NodeRegistered(_logger, Name, HostIP);
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(_options.HeartbeatInterval, _time, ct);
                try
                {
                    await HeartbeatOnceAsync(ct);
                }
                catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException)
                {
                    Log.HeartbeatFailed(_logger, Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // crashed or disposed
        }
    }

    private async Task HeartbeatOnceAsync(CancellationToken ct)
    {
        await RenewLeaseAsync(ct);
        await PostNodeStatusAsync(ct);
    }

    private async Task RenewLeaseAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_lease is not null)
        {
            _lease.Spec ??= new LeaseSpec();
            _lease.Spec.HolderIdentity = Name;
            _lease.Spec.LeaseDurationSeconds = _options.LeaseDurationSeconds;
            _lease.Spec.RenewTime = now;
            try
            {
                _lease = await _client.ReplaceAsync(_lease, ct);
                return;
            }
            catch (Exception ex) when (ex is ConflictException or NotFoundException)
            {
                _lease = null; // someone else wrote it, or it was deleted: start over from the server's copy
            }
        }

        var existing = await _client.TryGetAsync<Lease>(Name, NodeLeaseNamespace, ct);
        if (existing is null)
        {
            _lease = await _client.CreateAsync(new Lease
            {
                Metadata = new ObjectMeta
                {
                    Name = Name,
                    Namespace = NodeLeaseNamespace,
                    OwnerReferences = _nodeUid is null ? null : [new OwnerReference { ApiVersion = "v1", Kind = "Node", Name = Name, Uid = _nodeUid }],
                },
                Spec = new LeaseSpec { HolderIdentity = Name, LeaseDurationSeconds = _options.LeaseDurationSeconds, RenewTime = now },
            }, ct);
            return;
        }

        existing.Spec ??= new LeaseSpec();
        existing.Spec.HolderIdentity = Name;
        existing.Spec.LeaseDurationSeconds = _options.LeaseDurationSeconds;
        existing.Spec.RenewTime = now;
        _lease = await _client.ReplaceAsync(existing, ct);
    }

    private DateTimeOffset? _readySince;

    private async Task PostNodeStatusAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        _readySince ??= now;
        NodeCondition Condition(string type, string status, string reason, string message, DateTimeOffset since) => new()
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = now,
            LastTransitionTime = since,
        };

        var status = new NodeStatus
        {
            Conditions =
            [
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", _readySince.Value),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", _readySince.Value),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", _readySince.Value),
                Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", _readySince.Value),
            ],
            Addresses = [new NodeAddress { Type = "InternalIP", Address = HostIP }, new NodeAddress { Type = "Hostname", Address = Name }],
            Extra = new Dictionary<string, JsonElement>
            {
                ["nodeInfo"] = JsonSerializer.SerializeToElement(new
                {
                    kubeletVersion = "v1.31.0-edgeha-sandbox",
                    containerRuntimeVersion = "edgeha-sandbox://1.0",
                    operatingSystem = "linux",
                    architecture = "amd64",
                    osImage = "EdgeHa sandbox",
                    kernelVersion = Environment.OSVersion.Version.ToString(),
                    machineID = "",
                    systemUUID = "",
                    bootID = "",
                    kubeProxyVersion = "",
                }),
                ["capacity"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "4Gi", ["pods"] = "253" }),
                ["allocatable"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "4Gi", ["pods"] = "253" }),
            },
        };

        var node = await _client.PatchStatusAsync<Node>(Name, KubePatch.Merge(new { status }), cancellationToken: ct);
        if (node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { Status: "True" } ready && ready.LastTransitionTime is { } t)
        {
            _readySince = t;
        }
    }
}
