using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>Every verb and error of <see cref="KubernetesClient"/> against the sandbox API server over HTTPS.</summary>
public sealed class KubernetesClientTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;

    private KubernetesClient Client => _sandbox.Client;

    // ---- core kind: ConfigMap ----

    [Fact]
    public async Task CreateGetReplaceDelete_ConfigMap_RoundTripsWithServerFields()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);

        var created = await Client.CreateAsync(Objects.ConfigMap("cm", ns), guard.Token);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(ns, created.Metadata.Namespace);

        var read = await Client.GetAsync<ConfigMap>("cm", ns, guard.Token);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("value", read.Data!["key"]);

        read.Data["key"] = "changed";
        var replaced = await Client.ReplaceAsync(read, guard.Token);
        Assert.Equal("changed", replaced.Data!["key"]);
        Assert.True(long.Parse(replaced.Metadata.ResourceVersion!, CultureInfo.InvariantCulture) > long.Parse(created.Metadata.ResourceVersion!, CultureInfo.InvariantCulture));

        await Client.DeleteAsync<ConfigMap>("cm", ns, cancellationToken: guard.Token);
        Assert.Null(await Client.TryGetAsync<ConfigMap>("cm", ns, guard.Token));
        Assert.False(await Client.DeleteIfExistsAsync<ConfigMap>("cm", ns, cancellationToken: guard.Token));
    }

    [Fact]
    public async Task DeleteAsync_NoFinalizers_ReturnsNullBecauseTheObjectIsGone()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("cm", ns), guard.Token);

        var deleted = await Client.DeleteAsync<ConfigMap>("cm", ns, cancellationToken: guard.Token);

        Assert.Null(deleted);
    }

    [Fact]
    public async Task CreateAsync_InTerminatingNamespace_ThrowsForbidden()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var blocker = Objects.ConfigMap("blocker", ns);
        blocker.Metadata.Finalizers = ["edgeha.io/cleanup"];
        await Client.CreateAsync(blocker, guard.Token);
        await Client.DeleteAsync<Namespace>(ns, cancellationToken: guard.Token);
        Assert.Equal("Terminating", (await Client.GetAsync<Namespace>(ns, cancellationToken: guard.Token)).Status?.Phase);

        var ex = await Assert.ThrowsAsync<ForbiddenException>(() => Client.CreateAsync(Objects.ConfigMap("late", ns), guard.Token));

        Assert.Equal(403, ex.Code);
        Assert.Contains("being terminated", ex.Status.Message, StringComparison.Ordinal);
        await Client.PatchAsync<ConfigMap>("blocker", KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }), ns, guard.Token);
        await Eventually.TrueAsync(async () => await Client.TryGetAsync<Namespace>(ns, cancellationToken: guard.Token) is null, "the namespace goes once empty");
    }

    [Theory]
    [InlineData("app=web", "a,b")]
    [InlineData("app==web", "a,b")]
    [InlineData("app!=web", "c,d")]
    [InlineData("tier in (front,back)", "a,b")]
    [InlineData("tier notin (front)", "b,c,d")]
    [InlineData("tier", "a,b")]
    [InlineData("!tier", "c,d")]
    [InlineData("app=web,tier=back", "b")]
    public async Task ListAsync_LabelSelector_ReturnsMatchingObjects(string selector, string expected)
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("a", ns, new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("b", ns, new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("c", ns, new Dictionary<string, string> { ["app"] = "db" }), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("d", ns), guard.Token);

        var list = await Client.ListAsync<ConfigMap>(ns, new ListOptions { LabelSelector = selector }, guard.Token);

        Assert.Equal(expected.Split(','), list.Items.Select(i => i.Metadata.Name!).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task ListAsync_FieldSelectors_FilterByNameAndNamespace()
    {
        using var guard = Eventually.Guard();
        var ns1 = await _sandbox.NewNamespaceAsync(guard.Token);
        var ns2 = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("x", ns1), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("y", ns1), guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("x", ns2), guard.Token);

        var byName = await Client.ListAsync<ConfigMap>(ns1, new ListOptions { FieldSelector = "metadata.name=x" }, guard.Token);
        var notName = await Client.ListAsync<ConfigMap>(ns1, new ListOptions { FieldSelector = "metadata.name!=x" }, guard.Token);
        var allNamespaces = await Client.ListAsync<ConfigMap>(null, new ListOptions { FieldSelector = $"metadata.name=x,metadata.namespace={ns2}" }, guard.Token);

        Assert.Equal(["x"], byName.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["y"], notName.Items.Select(i => i.Metadata.Name));
        var only = Assert.Single(allNamespaces.Items);
        Assert.Equal(ns2, only.Metadata.Namespace);
    }

    [Fact]
    public async Task ListAsync_UnsupportedFieldSelector_ThrowsBadRequest()
    {
        using var guard = Eventually.Guard();

        var ex = await Assert.ThrowsAsync<BadRequestException>(() =>
            Client.ListAsync<ConfigMap>("default", new ListOptions { FieldSelector = "data.key=value" }, guard.Token));

        Assert.Equal(400, ex.Code);
    }

    [Fact]
    public async Task ListAllAsync_LimitAndContinue_ReturnsEveryObjectOnce()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        for (var i = 0; i < 7; i++)
        {
            await Client.CreateAsync(Objects.ConfigMap($"page-{i}", ns), guard.Token);
        }

        var first = await Client.ListAsync<ConfigMap>(ns, new ListOptions { Limit = 3 }, guard.Token);
        var all = await Client.ListAllAsync<ConfigMap>(ResourceType.Of<ConfigMap>(), ns, new ListOptions { Limit = 3 }, guard.Token);

        Assert.Equal(3, first.Items.Count);
        Assert.False(string.IsNullOrEmpty(first.Metadata.Continue));
        Assert.Equal(4, first.Metadata.RemainingItemCount);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}").Order(StringComparer.Ordinal), all.Items.Select(i => i.Metadata.Name!).Order(StringComparer.Ordinal));
        Assert.Equal(7, all.Items.Select(i => i.Metadata.Uid).Distinct().Count());
    }

    [Fact]
    public async Task ReplaceAsync_StaleResourceVersion_ThrowsConflictThenRereadSucceeds()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var original = await Client.CreateAsync(Objects.ConfigMap("cm", ns), guard.Token);
        var stale = await Client.GetAsync<ConfigMap>("cm", ns, guard.Token);
        original.Data!["key"] = "first writer";
        await Client.ReplaceAsync(original, guard.Token);

        stale.Data!["key"] = "second writer";
        var ex = await Assert.ThrowsAsync<ConflictException>(() => Client.ReplaceAsync(stale, guard.Token));
        Assert.Equal(409, ex.Code);
        Assert.Equal("Conflict", ex.Reason);
        Assert.Equal("cm", ex.Status.Details?.Name);

        var fresh = await Client.GetAsync<ConfigMap>("cm", ns, guard.Token);
        Assert.Equal("first writer", fresh.Data!["key"]);
        fresh.Data["key"] = "second writer";
        var retried = await Client.ReplaceAsync(fresh, guard.Token);
        Assert.Equal("second writer", retried.Data!["key"]);
    }

    [Fact]
    public async Task ReplaceAsync_ConcurrentReadModifyWriteWithConflictRetry_LosesNoUpdate()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("counter", ns, data: new Dictionary<string, string> { ["n"] = "0" }), guard.Token);
        var conflicts = 0;

        async Task IncrementAsync()
        {
            while (true)
            {
                var cm = await Client.GetAsync<ConfigMap>("counter", ns, guard.Token);
                cm.Data!["n"] = (int.Parse(cm.Data["n"], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                try
                {
                    await Client.ReplaceAsync(cm, guard.Token);
                    return;
                }
                catch (ConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(IncrementAsync)));

        Assert.Equal("8", (await Client.GetAsync<ConfigMap>("counter", ns, guard.Token)).Data!["n"]);
    }

    [Fact]
    public async Task PatchAsync_MergePatch_SetsAndDeletesFields()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("cm", ns, new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "1" }, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }), guard.Token);

        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["drop"] = null, ["added"] = "yes" } },
            ["data"] = new JsonObject { ["b"] = null, ["c"] = "3" },
        };
        var patched = await Client.PatchAsync<ConfigMap>("cm", KubePatch.Merge(patch), ns, guard.Token);

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["added"] = "yes" }, patched.Metadata.Labels);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" }, patched.Data);
    }

    [Fact]
    public async Task PatchAsync_JsonPatch_AppliesOperationsAndFailingTestIsTypedError()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.ConfigMap("cm", ns, data: new Dictionary<string, string> { ["a"] = "1" }), guard.Token);

        var patched = await Client.PatchAsync<ConfigMap>("cm", KubePatch.Json(
            new JsonPatchOperation("test", "/data/a", JsonValue.Create("1")),
            new JsonPatchOperation("replace", "/data/a", JsonValue.Create("2")),
            new JsonPatchOperation("add", "/metadata/labels", new JsonObject { ["edgeha.io/role"] = "active" })), ns, guard.Token);
        Assert.Equal("2", patched.Data!["a"]);
        Assert.Equal("active", patched.Metadata.Labels!["edgeha.io/role"]);

        // A failing test op rejects the whole patch (atomic): nothing of it is applied.
        var ex = await Assert.ThrowsAsync<InvalidException>(() => Client.PatchAsync<ConfigMap>("cm", KubePatch.Json(
            new JsonPatchOperation("replace", "/data/a", JsonValue.Create("3")),
            new JsonPatchOperation("test", "/data/a", JsonValue.Create("1"))), ns, guard.Token));
        Assert.Equal(422, ex.Code);
        Assert.Equal("Failure", ex.Status.Outcome);
        Assert.Contains("/data/a", ex.Status.Message, StringComparison.Ordinal);
        Assert.Equal("2", (await Client.GetAsync<ConfigMap>("cm", ns, guard.Token)).Data!["a"]);
    }

    [Fact]
    public async Task DeleteAsync_WrongUidPrecondition_ThrowsConflictAndKeepsObject()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var created = await Client.CreateAsync(Objects.ConfigMap("cm", ns), guard.Token);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => Client.DeleteAsync<ConfigMap>("cm", ns,
            new DeleteOptions { Preconditions = new Preconditions(Uid: Guid.NewGuid().ToString()) }, guard.Token));
        Assert.Equal(409, ex.Code);
        Assert.NotNull(await Client.TryGetAsync<ConfigMap>("cm", ns, guard.Token));

        await Client.DeleteAsync<ConfigMap>("cm", ns, new DeleteOptions { Preconditions = new Preconditions(Uid: created.Metadata.Uid) }, guard.Token);
        Assert.Null(await Client.TryGetAsync<ConfigMap>("cm", ns, guard.Token));
    }

    [Fact]
    public async Task DeleteAsync_BackgroundPropagation_GarbageCollectsDependent()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var owner = await Client.CreateAsync(Objects.ConfigMap("owner", ns), guard.Token);
        await Client.CreateAsync(Dependent(ns, owner), guard.Token);

        await Client.DeleteAsync<ConfigMap>("owner", ns, new DeleteOptions { PropagationPolicy = PropagationPolicy.Background }, guard.Token);

        await Eventually.TrueAsync(async () => await Client.TryGetAsync<ConfigMap>("dependent", ns, guard.Token) is null, "the dependent is garbage-collected");
    }

    [Fact]
    public async Task DeleteAsync_OrphanPropagation_KeepsDependentWithoutOwnerReference()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var owner = await Client.CreateAsync(Objects.ConfigMap("owner", ns), guard.Token);
        await Client.CreateAsync(Dependent(ns, owner), guard.Token);

        await Client.DeleteAsync<ConfigMap>("owner", ns, new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan }, guard.Token);

        await Eventually.TrueAsync(async () => await Client.TryGetAsync<ConfigMap>("owner", ns, guard.Token) is null, "the owner is deleted");
        var dependent = await Client.GetAsync<ConfigMap>("dependent", ns, guard.Token);
        Assert.True(dependent.Metadata.OwnerReferences is null or { Count: 0 });
    }

    [Fact]
    public async Task DeleteAsync_WithFinalizer_SetsDeletionTimestampUntilFinalizerRemoved()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var cm = Objects.ConfigMap("cm", ns);
        cm.Metadata.Finalizers = ["edgeha.io/cleanup"];
        await Client.CreateAsync(cm, guard.Token);

        var pending = await Client.DeleteAsync<ConfigMap>("cm", ns, cancellationToken: guard.Token);

        Assert.NotNull(pending);
        Assert.NotNull(pending!.Metadata.DeletionTimestamp);
        var stillThere = await Client.GetAsync<ConfigMap>("cm", ns, guard.Token);
        Assert.NotNull(stillThere.Metadata.DeletionTimestamp);
        Assert.Equal(["edgeha.io/cleanup"], stillThere.Metadata.Finalizers!);

        await Client.PatchAsync<ConfigMap>("cm", KubePatch.Json(new JsonPatchOperation("remove", "/metadata/finalizers")), ns, guard.Token);

        await Eventually.TrueAsync(async () => await Client.TryGetAsync<ConfigMap>("cm", ns, guard.Token) is null, "the object goes once its finalizers are empty");
    }

    [Fact]
    public async Task Errors_NotFoundAndAlreadyExists_CarryTheServerStatus()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);

        var notFound = await Assert.ThrowsAsync<NotFoundException>(() => Client.GetAsync<ConfigMap>("missing", ns, guard.Token));
        Assert.Equal(404, notFound.Code);
        Assert.Equal("NotFound", notFound.Reason);
        Assert.Equal("missing", notFound.Status.Details?.Name);
        Assert.Equal("configmaps", notFound.Status.Details?.Kind);
        Assert.Contains("missing", notFound.Status.Message, StringComparison.Ordinal);

        await Client.CreateAsync(Objects.ConfigMap("dup", ns), guard.Token);
        var exists = await Assert.ThrowsAsync<AlreadyExistsException>(() => Client.CreateAsync(Objects.ConfigMap("dup", ns), guard.Token));
        Assert.Equal(409, exists.Code);
        Assert.Equal("AlreadyExists", exists.Reason);
        Assert.Equal("dup", exists.Status.Details?.Name);

        await Assert.ThrowsAsync<NotFoundException>(() => Client.CreateAsync(Objects.ConfigMap("x", "no-such-namespace"), guard.Token));
    }

    [Fact]
    public async Task ReplaceAsync_UnknownFields_SurviveReadModifyWrite()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var raw = JsonNode.Parse(JsonSerializer.Serialize(Objects.Deployment("unknown", ns), Serialization.KubeJson.Options))!.AsObject();
        raw["spec"]!["futureField"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3) };
        raw["spec"]!["template"]!["spec"]!["containers"]![0]!["futureContainerField"] = "kept";
        raw["metadata"]!["futureMeta"] = "kept";
        raw["topLevelFuture"] = true;
        _sandbox.Server.Seed(raw);

        var read = await Client.GetAsync<Deployment>("unknown", ns, guard.Token);
        read.Spec!.Replicas = 3;
        read.Metadata.Labels!["touched"] = "yes";
        await Client.ReplaceAsync(read, guard.Token);

        var stored = await _sandbox.GetRawAsync($"/apis/apps/v1/namespaces/{ns}/deployments/unknown", guard.Token);
        Assert.Equal(3, stored["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("[1,2,3]", stored["spec"]!["futureField"]!["nested"]!.ToJsonString());
        Assert.Equal("kept", stored["spec"]!["template"]!["spec"]!["containers"]![0]!["futureContainerField"]!.GetValue<string>());
        Assert.Equal("kept", stored["metadata"]!["futureMeta"]!.GetValue<string>());
        Assert.True(stored["topLevelFuture"]!.GetValue<bool>());
    }

    // ---- named group: apps/v1 Deployment, coordination.k8s.io/v1 Lease ----

    [Fact]
    public async Task PatchAsync_StrategicMergeOnContainers_MergesByName()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        await Client.CreateAsync(Objects.Deployment("web", ns), guard.Token);

        var patch = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(
                            new JsonObject { ["name"] = "collector", ["image"] = "edgeha/collector:0.2.0" },
                            new JsonObject { ["name"] = "exporter", ["image"] = "exporter:1" }),
                    },
                },
            },
        };
        var patched = await Client.PatchAsync<Deployment>("web", KubePatch.StrategicMerge(patch), ns, guard.Token);

        var containers = patched.Spec!.Template!.Spec!.Containers.ToDictionary(c => c.Name, c => c.Image);
        Assert.Equal(3, containers.Count);
        Assert.Equal("edgeha/collector:0.2.0", containers["collector"]);
        Assert.Equal("busybox:1.36", containers["sidecar"]);
        Assert.Equal("exporter:1", containers["exporter"]);
        Assert.Equal(2, patched.Metadata.Generation);

        // A merge patch replaces the list instead.
        var merged = await Client.PatchAsync<Deployment>("web", KubePatch.Merge(patch), ns, guard.Token);
        Assert.Equal(["collector", "exporter"], merged.Spec!.Template!.Spec!.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task ReplaceStatusAsync_Deployment_IgnoresSpecAndKeepsGeneration()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var created = await Client.CreateAsync(Objects.Deployment("web", ns), guard.Token);
        Assert.Equal(1, created.Metadata.Generation);

        created.Spec!.Replicas = 5;
        created.Status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 1, ReadyReplicas = 1 };
        var updated = await Client.ReplaceStatusAsync(created, guard.Token);

        Assert.Equal(1, updated.Spec!.Replicas);
        Assert.Equal(1, updated.Status!.ReadyReplicas);
        Assert.Equal(1, updated.Metadata.Generation);

        // A spec write keeps the status and bumps the generation.
        updated.Spec.Replicas = 2;
        updated.Status = null;
        var respec = await Client.ReplaceAsync(updated, guard.Token);
        Assert.Equal(2, respec.Metadata.Generation);
        Assert.Equal(1, respec.Status?.ReadyReplicas);
    }

    [Fact]
    public async Task Lease_MicroTimeRenewTime_RoundTripsMicroseconds()
    {
        using var guard = Eventually.Guard();
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var renew = new DateTimeOffset(2026, 11, 22, 2, 35, 12, TimeSpan.Zero).AddTicks(1_234_560); // .123456 s
        var lease = new Lease
        {
            Metadata = new ObjectMeta { Name = "pair", Namespace = ns },
            Spec = new LeaseSpec { HolderIdentity = "ipc-a", LeaseDurationSeconds = 3, AcquireTime = renew, RenewTime = renew, LeaseTransitions = 1 },
        };

        await Client.CreateAsync(lease, guard.Token);
        var read = await Client.GetAsync<Lease>("pair", ns, guard.Token);
        var raw = await _sandbox.GetRawAsync($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/pair", guard.Token);

        Assert.Equal(renew, read.Spec!.RenewTime);
        Assert.Equal("2026-11-22T02:35:12.123456Z", raw["spec"]!["renewTime"]!.GetValue<string>());

        read.Spec.RenewTime = renew.AddTicks(10); // + 1 µs
        read.Spec.HolderIdentity = "ipc-b";
        var replaced = await Client.ReplaceAsync(read, guard.Token);
        Assert.Equal(renew.AddTicks(10), replaced.Spec!.RenewTime);
        Assert.Equal("ipc-b", (await Client.ListAsync<Lease>(ns, cancellationToken: guard.Token)).Items.Single().Spec!.HolderIdentity);
    }

    // ---- cluster-scoped: Node ----

    [Fact]
    public async Task Node_ClusterScoped_EveryVerb()
    {
        using var guard = Eventually.Guard();
        var name = TestSandbox.UniqueName("node");
        var zone = TestSandbox.UniqueName("zone");
        var node = new Node
        {
            Metadata = new ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = zone } },
            Status = new Models.NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady" }] },
        };

        var created = await Client.CreateAsync(node, guard.Token);
        Assert.Null(created.Metadata.Namespace);
        Assert.True(created.IsReady); // nodes register with their status

        var listed = await Client.ListAsync<Node>(options: new ListOptions { LabelSelector = $"topology.kubernetes.io/zone={zone}" }, cancellationToken: guard.Token);
        Assert.Equal([name], listed.Items.Select(n => n.Metadata.Name));

        var cordoned = await Client.PatchAsync<Node>(name, KubePatch.StrategicMerge(new { spec = new { unschedulable = true } }), cancellationToken: guard.Token);
        Assert.True(cordoned.Spec?.Unschedulable);

        var notReady = await Client.PatchStatusAsync<Node>(name, KubePatch.Merge(new JsonObject
        {
            ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = "KubeletStopped" }) },
        }), cancellationToken: guard.Token);
        Assert.False(notReady.IsReady);
        Assert.True(notReady.Spec?.Unschedulable);

        notReady.Metadata.Labels!["edgeha.io/checked"] = "true";
        var replaced = await Client.ReplaceAsync(notReady, guard.Token);
        Assert.Equal("true", replaced.Metadata.Labels!["edgeha.io/checked"]);

        await Client.DeleteAsync<Node>(name, cancellationToken: guard.Token);
        await Assert.ThrowsAsync<NotFoundException>(() => Client.GetAsync<Node>(name, cancellationToken: guard.Token));
    }

    // ---- custom resource: RedundantPair ----

    [Fact]
    public async Task RedundantPair_CustomResource_EveryVerbThroughNamedResourceType()
    {
        using var guard = Eventually.Guard();
        await Objects.EnsureRedundantPairCrdAsync(Client, guard.Token);
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var type = Objects.RedundantPairs;

        var created = await Client.CreateAsync(type, Objects.Pair("line1", ns), cancellationToken: guard.Token);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(StandbyMode.Cold, created.Spec.StandbyMode);
        await Client.CreateAsync(type, Objects.Pair("line2", ns, "ipc-c", "ipc-d"), cancellationToken: guard.Token);

        var read = await Client.GetAsync<RedundantPair>(type, ns, "line1", guard.Token);
        Assert.Equal("ipc-a", read.Spec.PrimaryNode);

        var page = await Client.ListAllAsync<RedundantPair>(type, ns, new ListOptions { Limit = 1 }, guard.Token);
        Assert.Equal(["line1", "line2"], page.Items.Select(p => p.Metadata.Name!).Order(StringComparer.Ordinal));
        var byName = await Client.ListAsync<RedundantPair>(type, ns, new ListOptions { FieldSelector = "metadata.name=line2" }, guard.Token);
        Assert.Equal("ipc-c", Assert.Single(byName.Items).Spec.PrimaryNode);

        read.Spec.Paused = true;
        var replaced = await Client.ReplaceAsync(type, read, guard.Token);
        Assert.True(replaced.Spec.Paused);
        Assert.Equal(2, replaced.Metadata.Generation);

        var labelled = await Client.PatchAsync<RedundantPair>(type, ns, "line1", KubePatch.Merge(new { metadata = new { labels = new Dictionary<string, string> { ["site"] = "plant-1" } } }), guard.Token);
        Assert.Equal("plant-1", labelled.Metadata.Labels!["site"]);
        Assert.Equal(2, labelled.Metadata.Generation); // metadata does not bump the generation

        var jsonPatched = await Client.PatchAsync<RedundantPair>(type, ns, "line1", KubePatch.Json(new JsonPatchOperation("replace", "/spec/paused", JsonValue.Create(false))), guard.Token);
        Assert.False(jsonPatched.Spec.Paused);
        Assert.Equal(3, jsonPatched.Metadata.Generation);

        // Strategic merge patch is not defined for custom resources: 415 as on the real server.
        var smp = await Assert.ThrowsAnyAsync<KubernetesApiException>(() =>
            Client.PatchAsync<RedundantPair>(type, ns, "line1", KubePatch.StrategicMerge(new { spec = new { paused = true } }), guard.Token));
        Assert.Equal(415, smp.Code);

        await Client.DeleteAsync<RedundantPair>(type, ns, "line2", cancellationToken: guard.Token);
        Assert.Equal(["line1"], (await Client.ListAsync<RedundantPair>(type, ns, cancellationToken: guard.Token)).Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task RedundantPair_StatusSubresource_IgnoresSpecAndKeepsGeneration()
    {
        using var guard = Eventually.Guard();
        await Objects.EnsureRedundantPairCrdAsync(Client, guard.Token);
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);
        var type = Objects.RedundantPairs;
        var created = await Client.CreateAsync(type, Objects.Pair("line1", ns), cancellationToken: guard.Token);

        created.Spec.StandbyNode = "ipc-z";
        created.Status = new RedundantPairStatus { ActiveNode = "ipc-a", Epoch = 1, ObservedGeneration = 1 };
        var afterPut = await Client.ReplaceStatusAsync(type, created, guard.Token);
        Assert.Equal("ipc-b", afterPut.Spec.StandbyNode);
        Assert.Equal("ipc-a", afterPut.Status!.ActiveNode);
        Assert.Equal(1, afterPut.Metadata.Generation);

        var afterPatch = await Client.PatchStatusAsync<RedundantPair>(type, ns, "line1", KubePatch.Merge(new JsonObject
        {
            ["spec"] = new JsonObject { ["paused"] = true },
            ["status"] = new JsonObject { ["activeNode"] = "ipc-b", ["epoch"] = 2 },
        }), guard.Token);
        Assert.Equal("ipc-b", afterPatch.Status!.ActiveNode);
        Assert.Equal(2, afterPatch.Status.Epoch);
        Assert.False(afterPatch.Spec.Paused);
        Assert.Equal(1, afterPatch.Metadata.Generation);

        // A write to the main resource keeps the status.
        afterPatch.Spec.Paused = true;
        afterPatch.Status = null;
        var afterSpec = await Client.ReplaceAsync(type, afterPatch, guard.Token);
        Assert.Equal("ipc-b", afterSpec.Status?.ActiveNode);
        Assert.Equal(2, afterSpec.Metadata.Generation);
    }

    [Fact]
    public async Task RedundantPair_SchemaInvalid_ThrowsInvalidWithCauses()
    {
        using var guard = Eventually.Guard();
        await Objects.EnsureRedundantPairCrdAsync(Client, guard.Token);
        var ns = await _sandbox.NewNamespaceAsync(guard.Token);

        var ex = await Assert.ThrowsAsync<InvalidException>(() =>
            Client.CreateAsync(Objects.RedundantPairs, Objects.Pair("bad", ns, primary: "Not_A_Node!", standby: "Also Bad"), cancellationToken: guard.Token));

        Assert.Equal(422, ex.Code);
        Assert.Equal("Invalid", ex.Reason);
        Assert.Equal("RedundantPair", ex.Status.Details?.Kind);
        Assert.Equal("bad", ex.Status.Details?.Name);
        var fields = ex.Causes.Select(c => c.Field).ToList();
        Assert.Contains("spec.primaryNode", fields);
        Assert.Contains("spec.standbyNode", fields);
        Assert.All(ex.Causes, c => Assert.False(string.IsNullOrEmpty(c.Message)));

        // A CEL rule of the CRD: the two nodes must differ.
        var cel = await Assert.ThrowsAsync<InvalidException>(() =>
            Client.CreateAsync(Objects.RedundantPairs, Objects.Pair("same", ns, primary: "ipc-a", standby: "ipc-a"), cancellationToken: guard.Token));
        Assert.Contains(cel.Causes, c => c.Field == "spec.standbyNode" && c.Message!.Contains("must differ", StringComparison.Ordinal));
        await Assert.ThrowsAsync<NotFoundException>(() => Client.GetAsync<RedundantPair>(Objects.RedundantPairs, ns, "bad", guard.Token));
    }

    private static ConfigMap Dependent(string ns, ConfigMap owner)
    {
        var dependent = Objects.ConfigMap("dependent", ns);
        dependent.Metadata.OwnerReferences = [new OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name!, Uid = owner.Metadata.Uid!, Controller = true }];
        return dependent;
    }
}
