using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Sandbox.Nodes;

public sealed partial class SimulatedNode
{
    /// <summary>The label that ties a pod to its Deployment's template version; a template change recreates the pods.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz";

    /// <summary>True when a Deployment's pod template pins it to <paramref name="nodeName"/>.</summary>
    public static bool IsPinnedTo(Deployment deployment, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var spec = deployment.Spec?.Template?.Spec;
        return spec is not null
            && (spec.NodeSelector?.ValueOrNull(HostnameLabel) == nodeName || spec.NodeName == nodeName);
    }

    /// <summary>A stable hash of a pod template (keys sorted), as the pod-template-hash label.</summary>
    public static string TemplateHash(PodTemplateSpec? template)
    {
        var node = JsonSerializer.SerializeToNode(template ?? new PodTemplateSpec(), KubeJson.Options);
        var canonical = Canonical(node)?.ToJsonString() ?? "null";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..10];
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    private static OwnerReference? ControllerOf(Pod pod) => pod.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary>The kubelet and the deployment controller of this node, for one boot.</summary>
    private sealed class Kubelet
    {
        private readonly SimulatedNode _node;
        private readonly CancellationToken _ct;
        private readonly Signal _dirty = new();
        private readonly ResourceInformer<Pod> _pods;
        private readonly ResourceInformer<Deployment> _deployments;

        // Template hashes by Deployment uid and generation: a sync visits every Deployment pinned here, and hashing each
        // template anew (serialize, sort, SHA-256) was the kubelet's largest cost with hundreds of pairs on a node.
        private readonly Dictionary<string, (long Generation, string Hash)> _hashes = new(StringComparer.Ordinal);

        public Kubelet(SimulatedNode node, CancellationToken ct)
        {
            _node = node;
            _ct = ct;
            _pods = new ResourceInformer<Pod>(node._client, null, null, $"spec.nodeName={node.Name}", node._time, node._logger, OnPod);
            _deployments = new ResourceInformer<Deployment>(node._client, null, null, null, node._time, node._logger, (_, _) => _dirty.Set());
        }

        public IEnumerable<Task> Start() =>
        [
            Task.Run(() => _pods.RunAsync(_ct), CancellationToken.None),
            Task.Run(() => _deployments.RunAsync(_ct), CancellationToken.None),
            Task.Run(ReconcileLoopAsync, CancellationToken.None),
        ];

        public async Task WaitSyncedAsync(CancellationToken cancellationToken)
        {
            await _pods.WaitSyncedAsync(cancellationToken);
            await _deployments.WaitSyncedAsync(cancellationToken);
        }

        private void OnPod(Kube.WatchEventType type, Pod pod)
        {
            if (type != Kube.WatchEventType.Deleted && pod.Metadata.Uid is { } uid && _node._workers.TryGetValue(uid, out var worker))
            {
                worker.Observed = pod;
            }

            _dirty.Set();
        }

        private async Task ReconcileLoopAsync()
        {
            try
            {
                while (!_ct.IsCancellationRequested)
                {
                    await _dirty.WaitAsync(_node._options.ResyncPeriod, _node._time, _ct);
                    if (!_pods.Synced || !_deployments.Synced)
                    {
                        continue;
                    }

                    try
                    {
                        await SyncPodsAsync();
                        await SyncDeploymentsAsync();
                    }
                    catch (OperationCanceledException) when (_ct.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or TimeoutException or JsonException)
                    {
                        Log.ReconcileFailed(_node._logger, _node.Name, ex.Message);
                        _dirty.Set();
                        await Task.Delay(TimeSpan.FromMilliseconds(200), _node._time, _ct);
                    }
                }
            }
            catch (OperationCanceledException) when (_ct.IsCancellationRequested)
            {
                // crashed or disposed
            }
        }

        /// <summary>The kubelet: a worker for every live pod bound here, none for anything else.</summary>
        private async Task SyncPodsAsync()
        {
            var live = _pods.Items.Where(p => p.Metadata.DeletionTimestamp is null && p.Metadata.Uid is not null).ToDictionary(p => p.Metadata.Uid!, StringComparer.Ordinal);
            var stops = new List<Task>();
            foreach (var (uid, worker) in _node._workers)
            {
                if (!live.ContainsKey(uid) && _node._workers.TryRemove(uid, out _))
                {
                    var grace = TimeSpan.FromSeconds(Math.Max(0, worker.Observed.Spec?.TerminationGracePeriodSeconds ?? 30));
                    if (grace > _node._options.MaxTerminationGracePeriod)
                    {
                        grace = _node._options.MaxTerminationGracePeriod;
                    }

                    Log.PodStopping(_node._logger, _node.Name, worker.Observed.Metadata.Namespace ?? "", worker.Observed.Metadata.Name ?? "");
                    stops.Add(StopAsync(uid, worker, grace));
                }
            }

            foreach (var (uid, pod) in live)
            {
                if (_node._workers.ContainsKey(uid))
                {
                    continue;
                }

                _ct.ThrowIfCancellationRequested(); // a dead machine starts nothing
                var ip = _node._ips.Allocate(uid, pod.Status?.PodIP);
                var worker = new PodWorker(pod, ip, _node.HostIP, _node.Name, _node._runtime, _node._client, _node._options.ProbePeriodOverride, _node._time, _node._logger, _dirty.Set, _ct);
                _node._workers[uid] = worker;
                Log.PodStarted(_node._logger, _node.Name, pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", ip);
            }

            await Task.WhenAll(stops);
        }

        private async Task StopAsync(string uid, PodWorker worker, TimeSpan grace)
        {
            await worker.StopAsync(grace);
            _node._ips.Release(uid);
        }

        /// <summary>The deployment controller for the Deployments pinned here (Recreate strategy).</summary>
        private async Task SyncDeploymentsAsync()
        {
            var all = _deployments.Items.ToList();
            var mine = all.Where(d => IsPinnedTo(d, _node.Name) && d.Metadata.DeletionTimestamp is null).ToDictionary(d => d.Metadata.Uid ?? "", StringComparer.Ordinal);
            var pods = _pods.Items.Where(p => p.Metadata.DeletionTimestamp is null).ToList();

            // Pods whose Deployment is gone, or no longer pinned here.
            foreach (var pod in pods)
            {
                if (ControllerOf(pod) is { Kind: "Deployment" } owner && !mine.ContainsKey(owner.Uid))
                {
                    await DeletePodAsync(pod, "its Deployment is gone or no longer pinned here");
                }
            }

            foreach (var uid in _hashes.Keys.Where(u => !mine.ContainsKey(u)).ToList())
            {
                _hashes.Remove(uid);
            }

            var byOwner = pods.ToLookup(p => ControllerOf(p)?.Uid ?? "", StringComparer.Ordinal);
            foreach (var deployment in mine.Values)
            {
                await SyncDeploymentAsync(deployment, byOwner[deployment.Metadata.Uid ?? ""].ToList());
            }
        }

        private async Task SyncDeploymentAsync(Deployment deployment, List<Pod> owned)
        {
            var desired = Math.Max(0, deployment.Spec?.Replicas ?? 1);
            var hash = HashOf(deployment);
            var stale = owned.Where(p => p.Metadata.Labels?.ValueOrNull(PodTemplateHashLabel) != hash).ToList();
            var current = owned.Except(stale).ToList();
            if (stale.Count > 0)
            {
                // Recreate: every old pod goes before a new one starts.
                foreach (var pod in stale)
                {
                    await DeletePodAsync(pod, "its pod template changed");
                }
            }
            else if (current.Count > desired)
            {
                var surplus = current
                    .OrderBy(p => p.IsReady)
                    .ThenByDescending(p => p.Metadata.CreationTimestamp)
                    .ThenByDescending(p => p.Metadata.Name, StringComparer.Ordinal)
                    .Take(current.Count - desired)
                    .ToList();
                foreach (var pod in surplus)
                {
                    await DeletePodAsync(pod, "scale down");
                    current.Remove(pod);
                }
            }
            else
            {
                for (var i = current.Count; i < desired; i++)
                {
                    current.Add(await CreatePodAsync(deployment, hash));
                }
            }

            await UpdateDeploymentStatusAsync(deployment, desired, current.Count, current);
        }

        private string HashOf(Deployment deployment)
        {
            var uid = deployment.Metadata.Uid;
            var generation = deployment.Metadata.Generation;
            if (uid is not null && generation is { } g && _hashes.TryGetValue(uid, out var known) && known.Generation == g)
            {
                return known.Hash;
            }

            var hash = TemplateHash(deployment.Spec?.Template);
            if (uid is not null && generation is { } current)
            {
                _hashes[uid] = (current, hash);
            }

            return hash;
        }

        private async Task<Pod> CreatePodAsync(Deployment deployment, string hash)
        {
            var template = deployment.Spec?.Template ?? new PodTemplateSpec();
            var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                [PodTemplateHashLabel] = hash,
            };
            var spec = KubeJson.Deserialize<PodSpec>(KubeJson.Serialize(template.Spec ?? new PodSpec()));
            spec.NodeName = _node.Name;
            spec.RestartPolicy ??= "Always";
            for (var attempt = 0; ; attempt++)
            {
                var pod = new Pod
                {
                    Metadata = new ObjectMeta
                    {
                        Name = $"{deployment.Metadata.Name}-{Suffix()}",
                        Namespace = deployment.Metadata.Namespace,
                        Labels = labels,
                        Annotations = template.Metadata?.Annotations is { Count: > 0 } a ? new Dictionary<string, string>(a, StringComparer.Ordinal) : null,
                        OwnerReferences =
                        [
                            new OwnerReference
                            {
                                ApiVersion = "apps/v1",
                                Kind = "Deployment",
                                Name = deployment.Metadata.Name ?? "",
                                Uid = deployment.Metadata.Uid ?? "",
                                Controller = true,
                                BlockOwnerDeletion = true,
                            },
                        ],
                    },
                    Spec = spec,
                };
                try
                {
                    var created = await _node._client.CreateAsync(pod, _ct);
                    _pods.Upsert(created);
                    Log.PodCreated(_node._logger, _node.Name, created.Metadata.Namespace ?? "", created.Metadata.Name ?? "", deployment.Metadata.Name ?? "");
                    return created;
                }
                catch (AlreadyExistsException) when (attempt < 5)
                {
                    // name clash: draw another suffix
                }
            }
        }

        private string Suffix()
        {
            lock (_node._random)
            {
                return string.Create(5, _node._random, static (span, random) =>
                {
                    for (var i = 0; i < span.Length; i++)
                    {
                        span[i] = NameAlphabet[random.Next(NameAlphabet.Length)];
                    }
                });
            }
        }

        private async Task DeletePodAsync(Pod pod, string why)
        {
            Log.PodDeleting(_node._logger, _node.Name, pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", why);
            try
            {
                await _node._client.DeleteAsync<Pod>(pod.Metadata.Name!, pod.Metadata.Namespace, new DeleteOptions { Preconditions = new Preconditions(Uid: pod.Metadata.Uid) }, _ct);
            }
            catch (Exception ex) when (ex is NotFoundException or ConflictException)
            {
                // already gone or replaced
            }

            _pods.Remove(pod);
            _dirty.Set();
        }

        private async Task UpdateDeploymentStatusAsync(Deployment deployment, int desired, int replicas, List<Pod> current)
        {
            var ready = current.Count(p => p.IsReady);
            var old = deployment.Status;
            var generation = deployment.Metadata.Generation ?? 1;
            if (old is not null && old.Replicas == replicas && old.UpdatedReplicas == current.Count && old.ReadyReplicas == ready
                && old.AvailableReplicas == ready && (old.UnavailableReplicas ?? 0) == Math.Max(0, desired - ready) && old.ObservedGeneration == generation)
            {
                return;
            }

            var now = _node._time.GetUtcNow();
            var available = ready >= desired;
            DeploymentCondition Condition(string type, bool status, string reason, string message)
            {
                var value = status ? "True" : "False";
                var previous = old?.Conditions?.FirstOrDefault(c => c.Type == type);
                return new DeploymentCondition
                {
                    Type = type,
                    Status = value,
                    Reason = reason,
                    Message = message,
                    LastUpdateTime = now,
                    LastTransitionTime = previous?.Status == value ? previous.LastTransitionTime : now,
                };
            }

            var status = new DeploymentStatus
            {
                ObservedGeneration = generation,
                Replicas = replicas,
                UpdatedReplicas = current.Count,
                ReadyReplicas = ready,
                AvailableReplicas = ready,
                UnavailableReplicas = Math.Max(0, desired - ready),
                Conditions =
                [
                    Condition("Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                    Condition("Progressing", true, current.Count >= desired ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", $"Deployment \"{deployment.Metadata.Name}\" is progressing on node {_node.Name}."),
                ],
            };
            try
            {
                var written = await _node._client.PatchStatusAsync<Deployment>(deployment.Metadata.Name!, KubePatch.Merge(new { status }), deployment.Metadata.Namespace, _ct);
                _deployments.Upsert(written);
            }
            catch (NotFoundException)
            {
                // deleted meanwhile
            }
        }
    }
}
