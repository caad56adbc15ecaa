using System.Collections.Concurrent;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>
/// The kubelets and the Deployment controller of the test cluster, in one small loop: for every Deployment of a pair
/// pinned to a known node it keeps <c>replicas</c> pods (0 or 1), marks them Running and Ready on the node's IP, and
/// runs a <see cref="FakeCollector"/> for each. Pods of Deployments scaled to 0 or deleted are stopped and deleted.
/// </summary>
internal sealed class FakeKubelet : IAsyncDisposable
{
    private readonly IKubernetesClient _admin;
    private readonly IReadOnlyDictionary<string, FakeNode> _nodes;
    private readonly string _namespace;
    private readonly int _healthPort;
    private readonly ActingLog _log;
    private readonly Microsoft.Extensions.Logging.ILoggerFactory _logging;
    private readonly ConcurrentDictionary<string, (string Deployment, FakeCollector Collector)> _pods = new();
    private readonly ConcurrentDictionary<(string Node, string Account), KubernetesClient> _accountClients = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _counter;

    public FakeKubelet(IKubernetesClient admin, IReadOnlyDictionary<string, FakeNode> nodes, string @namespace, int healthPort, ActingLog log, Microsoft.Extensions.Logging.ILoggerFactory logging)
    {
        _admin = admin;
        _nodes = nodes;
        _namespace = @namespace;
        _healthPort = healthPort;
        _log = log;
        _logging = logging;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>
    /// When set, each collector calls the API as its pod's ServiceAccount, with the token this returns for the account
    /// name (as a kubelet mounts it); otherwise with its node's client (the admin's token).
    /// </summary>
    public Func<string, string>? ServiceAccountToken { get; set; }

    /// <summary>The running collector stand-ins by pod name.</summary>
    public IReadOnlyDictionary<string, FakeCollector> Collectors => _pods.ToDictionary(p => p.Key, p => p.Value.Collector);

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(cancellationToken);
                await Task.Delay(30, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
            {
                // Injected API faults: the next round repairs.
            }
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var deployments = (await _admin.ListAsync<Deployment>(_namespace, new ListOptions { LabelSelector = "edgeha.io/node" }, cancellationToken: cancellationToken)).Items;
        var pods = (await _admin.ListAsync<Pod>(_namespace, new ListOptions { LabelSelector = "edgeha.io/node" }, cancellationToken: cancellationToken)).Items;
        var live = pods.Select(p => p.Metadata.Name!).ToHashSet();

        // Pods deleted by someone else: stop their collectors.
        foreach (var (name, entry) in _pods.ToList())
        {
            if (!live.Contains(name) && _pods.TryRemove(name, out _))
            {
                await entry.Collector.DisposeAsync();
            }
        }

        // A status write lost to an injected fault is written again.
        foreach (var pod in pods.Where(p => _pods.ContainsKey(p.Metadata.Name!) && p.Status?.Phase != "Running"))
        {
            var node = _nodes.Values.FirstOrDefault(n => n.Name == pod.Spec?.NodeName);
            if (node is not null)
            {
                await MarkRunningAsync(pod, node, cancellationToken);
            }
        }

        foreach (var deployment in deployments)
        {
            var name = deployment.Metadata.Name!;
            var node = deployment.Spec?.Template?.Spec?.NodeSelector?.TryGetValue("kubernetes.io/hostname", out var n) == true ? n : null;
            var mine = _pods.Where(p => p.Value.Deployment == name).Select(p => p.Key).ToList();
            var replicas = deployment.Spec?.Replicas ?? 1;
            if (replicas == 0 || node is null || !_nodes.ContainsKey(node))
            {
                foreach (var pod in mine)
                {
                    await StopPodAsync(pod, cancellationToken);
                }

                continue;
            }

            // Recreate strategy: pods of an older template are stopped first; the next round starts the new one.
            var version = Reconciliation.PairObjects.TemplateHashOf(deployment.Spec?.Template);
            var stale = pods.Where(p => mine.Contains(p.Metadata.Name!) && Reconciliation.PairObjects.TemplateHashOf(p) != version).Select(p => p.Metadata.Name!).ToList();
            foreach (var pod in stale)
            {
                await StopPodAsync(pod, cancellationToken);
            }

            if (mine.Count == 0)
            {
                await StartPodAsync(deployment, _nodes[node], cancellationToken);
            }
        }

        // Pods of Deployments that are gone.
        var names = deployments.Select(d => d.Metadata.Name!).ToHashSet();
        foreach (var (pod, entry) in _pods.ToList())
        {
            if (!names.Contains(entry.Deployment))
            {
                await StopPodAsync(pod, cancellationToken);
            }
        }
    }

    private async Task StartPodAsync(Deployment deployment, FakeNode node, CancellationToken cancellationToken)
    {
        var template = deployment.Spec!.Template!;
        var name = $"{deployment.Metadata.Name}-{Interlocked.Increment(ref _counter):x5}";
        var spec = KubeJson.Deserialize<PodSpec>(KubeJson.Serialize(template.Spec!));
        spec.NodeName = node.Name;
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = _namespace,
                Labels = new Dictionary<string, string>(template.Metadata!.Labels!),
                Annotations = template.Metadata.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = deployment.Metadata.Name!, Uid = deployment.Metadata.Uid!, Controller = true }],
            },
            Spec = spec,
        };
        var created = await _admin.CreateAsync(pod, cancellationToken);
        var lease = spec.Containers[0].Env!.First(e => e.Name == "EDGEHA_LEASE_NAME").Value!;
        IKubernetesClient client = ServiceAccountToken is { } token
            ? _accountClients.GetOrAdd((node.Name, spec.ServiceAccountName ?? "default"), key => node.ClientWithToken(token(key.Account)))
            : node.Client;
        var collector = new FakeCollector(name, node.Name, node.Ip, _healthPort, client, _namespace, lease, _log, () => node.Health, _logging);
        _pods[name] = (deployment.Metadata.Name!, collector);
        await MarkRunningAsync(created, node, cancellationToken);
    }

    private async Task MarkRunningAsync(Pod created, FakeNode node, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        created.Status = new PodStatus
        {
            Phase = "Running",
            PodIP = node.Ip,
            HostIP = node.Ip,
            StartTime = now,
            Conditions = [new PodCondition { Type = "Ready", Status = "True", LastTransitionTime = now }],
        };
        await _admin.ReplaceStatusAsync(created, cancellationToken);
    }

    /// <summary>
    /// Posts what kubelet reports for the pair's pod on <paramref name="node"/> once its collector keeps exiting: the
    /// pod stays Running but not Ready, its container waits in CrashLoopBackOff after <paramref name="restarts"/>
    /// restarts, with the last run's exit code. (The caller makes the stand-in's probe fail: nothing answers.)
    /// </summary>
    public async Task<string> CrashLoopAsync(string node, int restarts, int exitCode, CancellationToken cancellationToken)
    {
        var name = _pods.Keys.Single(p => p.Contains("-" + node + "-", StringComparison.Ordinal));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ReportCrashLoopAsync(name, restarts, exitCode, cancellationToken);
                return name;
            }
            catch (ConflictException) when (attempt < 10)
            {
                // The operator patched the pod's labels meanwhile: read it again, as the kubelet does.
            }
        }
    }

    private async Task ReportCrashLoopAsync(string name, int restarts, int exitCode, CancellationToken cancellationToken)
    {
        var pod = await _admin.GetAsync<Pod>(name, _namespace, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var stamp = now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        pod.Status!.Conditions = [new PodCondition { Type = "Ready", Status = "False", Reason = "ContainersNotReady", Message = "containers with unready status: [collector]", LastTransitionTime = now }];
        pod.Status.ContainerStatuses =
        [
            new ContainerStatus
            {
                Name = "collector",
                Ready = false,
                Started = false,
                RestartCount = restarts,
                State = System.Text.Json.JsonSerializer.SerializeToElement(new { waiting = new { reason = "CrashLoopBackOff", message = $"back-off 40s restarting failed container=collector pod={name}_{_namespace}({pod.Metadata.Uid})" } }),
                Extra = new Dictionary<string, System.Text.Json.JsonElement>
                {
                    ["lastState"] = System.Text.Json.JsonSerializer.SerializeToElement(new { terminated = new { exitCode, reason = "Error", startedAt = stamp, finishedAt = stamp } }),
                },
            },
        ];
        await _admin.ReplaceStatusAsync(pod, cancellationToken);
    }

    private async Task StopPodAsync(string pod, CancellationToken cancellationToken)
    {
        if (_pods.TryRemove(pod, out var entry))
        {
            await entry.Collector.DisposeAsync();
        }

        await _admin.DeleteIfExistsAsync<Pod>(pod, _namespace, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        foreach (var (_, entry) in _pods)
        {
            await entry.Collector.DisposeAsync();
        }

        _pods.Clear();
        foreach (var client in _accountClients.Values)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }
}
