using System.Net;
using EdgeHa.Kube.IntegrationTests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OurLease = EdgeHa.Kube.Models.Lease;
using OurLeaseSpec = EdgeHa.Kube.Models.LeaseSpec;
using OurObjectMeta = EdgeHa.Kube.Models.ObjectMeta;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>
/// The official client's own typed verbs and models against the sandbox, and our models read back through them:
/// a misunderstanding of the wire format that our client and our server share fails here, because the other side
/// of each check is code nobody here wrote.
/// </summary>
public sealed class OfficialClientTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;
    private readonly Kubernetes _official = new(Config.KubeConfigLoader.FromKubeConfigFiles([Path.Combine(fixture.Sandbox.Directory, "config")]));

    public void Dispose() => _official.Dispose();

    [Fact]
    public async Task Lease_WrittenByTheOfficialClient_RoundTripsItsMicroTimesAndIsFencedByResourceVersion()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var renewed = new DateTime(2026, 12, 4, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234560); // microseconds
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "pair", NamespaceProperty = ns },
            Spec = new V1LeaseSpec { HolderIdentity = "edge-a", LeaseDurationSeconds = 4, AcquireTime = renewed, RenewTime = renewed, LeaseTransitions = 3 },
        };

        var created = await _official.CoordinationV1.CreateNamespacedLeaseAsync(lease, ns, cancellationToken: guard.Token);
        var read = await _official.CoordinationV1.ReadNamespacedLeaseAsync("pair", ns, cancellationToken: guard.Token);

        Assert.Equal(renewed, read.Spec.RenewTime);
        Assert.Equal(("edge-a", 4, 3), (read.Spec.HolderIdentity, read.Spec.LeaseDurationSeconds, read.Spec.LeaseTransitions));
        read.Spec.HolderIdentity = "edge-b";
        await _official.CoordinationV1.ReplaceNamespacedLeaseAsync(read, "pair", ns, cancellationToken: guard.Token);
        // The copy from before that write is stale: the compare-and-swap the fencing relies on refuses it.
        created.Spec.HolderIdentity = "edge-c";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => _official.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "pair", ns, cancellationToken: guard.Token));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
    }

    [Fact]
    public async Task Lease_WrittenByOurClient_ReadsTheSameThroughTheOfficialModel()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var renewed = new DateTimeOffset(2026, 12, 4, 10, 11, 12, TimeSpan.Zero).AddTicks(6543210);
        await _sandbox.Client.CreateAsync(new OurLease
        {
            Metadata = new OurObjectMeta { Name = "pair", Namespace = ns, Annotations = new Dictionary<string, string> { ["edgeha.io/epoch"] = "7" } },
            Spec = new OurLeaseSpec { HolderIdentity = "edge-a", LeaseDurationSeconds = 2, AcquireTime = renewed, RenewTime = renewed, LeaseTransitions = 1 },
        }, guard.Token);

        var official = await _official.CoordinationV1.ReadNamespacedLeaseAsync("pair", ns, cancellationToken: guard.Token);

        Assert.Equal(renewed.UtcDateTime, official.Spec.RenewTime);
        Assert.Equal(renewed.UtcDateTime, official.Spec.AcquireTime);
        Assert.Equal(("edge-a", 2, 1), (official.Spec.HolderIdentity, official.Spec.LeaseDurationSeconds, official.Spec.LeaseTransitions));
        Assert.Equal("7", official.Metadata.Annotations["edgeha.io/epoch"]);
    }

    [Fact]
    public async Task ConfigMap_MergeAndStrategicPatchesOfTheOfficialClient_AreApplied()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await _official.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm" }, Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } }, ns, cancellationToken: guard.Token);

        await _official.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"a":"10","b":null}}""", V1Patch.PatchType.MergePatch), "cm", ns, cancellationToken: guard.Token);
        var patched = await _official.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"role":"active"}}}""", V1Patch.PatchType.StrategicMergePatch), "cm", ns, cancellationToken: guard.Token);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "10" }, patched.Data);
        Assert.Equal("active", patched.Metadata.Labels["role"]);
        var list = await _official.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "role=active", cancellationToken: guard.Token);
        Assert.Equal("cm", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public async Task Event_OfEventsV1_IsCreatedAndListedWithItsSeries()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var at = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc).AddTicks(10);
        var ev = new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "pair.1" },
            EventTime = at,
            ReportingController = "edgeha.io/operator",
            ReportingInstance = "operator-0",
            Action = "Failover",
            Reason = "LeaseGranted",
            Note = "granted the lease to edge-b at epoch 2",
            Type = "Normal",
            Regarding = new V1ObjectReference { Kind = "RedundantPair", Name = "pair", NamespaceProperty = ns, ApiVersion = "edgeha.io/v1alpha1" },
            Series = new Eventsv1EventSeries { Count = 2, LastObservedTime = at.AddSeconds(20) },
        };

        await _official.EventsV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: guard.Token);
        var listed = Assert.Single((await _official.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: guard.Token)).Items);

        Assert.Equal(at, listed.EventTime);
        Assert.Equal((2, at.AddSeconds(20)), (listed.Series.Count, listed.Series.LastObservedTime));
        Assert.Equal(("LeaseGranted", "pair"), (listed.Reason, listed.Regarding.Name));
    }

    [Fact]
    public async Task Watch_OfTheOfficialClient_SeesAddedModifiedAndDeleted()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var list = await _official.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: guard.Token);
        var seen = new List<(k8s.WatchEventType, string)>();
        var events = _official.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: guard.Token);
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in events)
            {
                seen.Add((type, item.Metadata.Name));
                if (type == k8s.WatchEventType.Deleted)
                {
                    return;
                }
            }
        }, guard.Token);

        await _official.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "w" } }, ns, cancellationToken: guard.Token);
        await _official.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "w", ns, cancellationToken: guard.Token);
        await _official.CoreV1.DeleteNamespacedConfigMapAsync("w", ns, cancellationToken: guard.Token);
        await watching.WaitAsync(guard.Token);

        Assert.Equal([(k8s.WatchEventType.Added, "w"), (k8s.WatchEventType.Modified, "w"), (k8s.WatchEventType.Deleted, "w")], seen);
    }

    [Fact]
    public async Task Deployment_WrittenByOurClient_ReadsTheSameThroughTheOfficialModel()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await _sandbox.Client.CreateAsync(Objects.Deployment("line1-edge-a", ns), guard.Token);

        var official = await _official.AppsV1.ReadNamespacedDeploymentAsync("line1-edge-a", ns, cancellationToken: guard.Token);

        Assert.Equal(1, official.Spec.Replicas);
        Assert.Equal("line1-edge-a", official.Spec.Selector.MatchLabels["app"]);
        Assert.Equal(["collector", "sidecar"], official.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal("edgeha/collector:0.1.0", official.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task PodStatus_WrittenByTheOfficialClient_ReadsTheSameThroughOurModel()
    {
        // The operator decides on readiness and the pod IP it reads through our Pod model.
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var pod = await _official.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "collector" },
            Spec = new V1PodSpec { NodeName = "edge-a", Containers = [new V1Container { Name = "collector", Image = "edgeha/collector:0.1.0" }] },
        }, ns, cancellationToken: guard.Token);
        var started = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = "10.244.1.7",
            StartTime = started,
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = started }],
            ContainerStatuses = [new V1ContainerStatus { Name = "collector", Ready = true, RestartCount = 2, Image = "edgeha/collector:0.1.0", ImageID = "", Started = true }],
        };
        await _official.CoreV1.ReplaceNamespacedPodStatusAsync(pod, "collector", ns, cancellationToken: guard.Token);

        var ours = await _sandbox.Client.GetAsync<Models.Pod>("collector", ns, guard.Token);

        Assert.True(ours.IsReady);
        Assert.Equal(("Running", "10.244.1.7", "edge-a"), (ours.Status!.Phase, ours.Status.PodIP, ours.Spec!.NodeName));
        Assert.Equal(new DateTimeOffset(started), ours.Status.StartTime);
        Assert.Equal(2, Assert.Single(ours.Status.ContainerStatuses!).RestartCount);
    }

    [Fact]
    public async Task RedundantPair_ThroughTheOfficialCustomObjectsApi_StatusPatchReachesOurModel()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Objects.EnsureRedundantPairCrdAsync(_sandbox.Client, guard.Token);
        await _sandbox.Client.CreateAsync(Objects.RedundantPairs, Objects.Pair("line1", ns), ns, guard.Token);

        var patch = new V1Patch("""{"status":{"activeNode":"ipc-b","epoch":2}}""", V1Patch.PatchType.MergePatch);
        await _official.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, "edgeha.io", "v1alpha1", ns, "redundantpairs", "line1", cancellationToken: guard.Token);
        var listed = await _official.CustomObjects.ListNamespacedCustomObjectAsync("edgeha.io", "v1alpha1", ns, "redundantpairs", cancellationToken: guard.Token);

        var ours = await _sandbox.Client.GetAsync<Api.RedundantPair>(Objects.RedundantPairs, ns, "line1", guard.Token);
        Assert.Equal(("ipc-b", 2L), (ours.Status!.ActiveNode, ours.Status.Epoch));
        Assert.Contains("\"activeNode\":\"ipc-b\"", System.Text.Json.JsonSerializer.Serialize(listed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OfAMissingObject_IsA404WithTheKubernetesStatusBody()
    {
        using var guard = Eventually.Guard();

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => _official.CoordinationV1.ReadNamespacedLeaseAsync("nope", "default", cancellationToken: guard.Token));

        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(ex.Response.Content);
        Assert.Equal(("Failure", "NotFound", 404), (status.Status, status.Reason, status.Code));
        Assert.Equal(("nope", "leases"), (status.Details.Name, status.Details.Kind));
    }
}
