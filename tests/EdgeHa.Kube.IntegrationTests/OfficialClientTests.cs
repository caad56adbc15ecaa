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
