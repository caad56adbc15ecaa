using System.Net;
using System.Text.Json.Nodes;
using EdgeHa.Sandbox.Tests.Support;

namespace EdgeHa.Sandbox.Tests;

/// <summary>Routing, discovery, patches, watch and tables over real HTTP.</summary>
public sealed class ApiRequestHandlerTests
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";
    private const string Pods = "/api/v1/namespaces/default/pods";

    [Fact]
    public async Task Discovery_CoreAndGroups_ListResourcesWithVerbsAndShortNames()
    {
        await using var h = await SandboxHarness.StartAsync();

        var version = await h.GetAsync("/version");
        Assert.Equal("1", version.Str(".major"));
        var core = await h.GetAsync("/api/v1");
        Assert.Equal("po", core.Str(".resources[?(@.name==\"pods\")].shortNames[0]"));
        Assert.Equal("Pod", core.Str(".resources[?(@.name==\"pods/status\")].kind"));
        var groups = await h.GetAsync("/apis");
        Assert.Equal("coordination.k8s.io/v1", groups.Str(".groups[?(@.name==\"coordination.k8s.io\")].preferredVersion.groupVersion"));
        var apps = await h.GetAsync("/apis/apps/v1");
        Assert.Contains("watch", apps.Str(".resources[?(@.name==\"deployments\")].verbs"), StringComparison.Ordinal);
        Assert.Equal("Scale", apps.Str(".resources[?(@.name==\"deployments/scale\")].kind"));
        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync("/apis/nope.io/v1")).Status);
    }

    [Fact]
    public async Task Request_WithoutToken_Returns401()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");

        using var response = await h.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_ClusterWideNamespacedCollection_Returns405()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.PostAsync("/api/v1/configmaps", SandboxHarness.Json("""{"metadata":{"name":"a"}}"""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.Status);
    }

    [Fact]
    public async Task Patch_JsonPatchWithFailingTest_Returns422AndLeavesObject()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");

        var ok = await h.PatchAsync(Cms + "/a", JsonNode.Parse("""[{"op":"test","path":"/data/k","value":"v"},{"op":"add","path":"/data/n","value":"1"}]""")!, "application/json-patch+json");
        var failed = await h.PatchAsync(Cms + "/a", JsonNode.Parse("""[{"op":"test","path":"/data/k","value":"zzz"},{"op":"remove","path":"/data/k"}]""")!, "application/json-patch+json");

        Assert.Equal("1", ok.Str(".data.n"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.Status);
        Assert.Equal("v", (await h.GetAsync(Cms + "/a")).Str(".data.k"));
    }

    [Fact]
    public async Task Patch_StrategicMerge_MergesContainersByName()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync(Pods, """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}]}}""");

        var r = await h.PatchAsync(Pods + "/p", SandboxHarness.Json("""{"spec":{"containers":[{"name":"b","image":"y:2"}]}}"""), "application/strategic-merge-patch+json");

        Assert.Equal("x:1", r.Str(".spec.containers[0].image"));
        Assert.Equal("y:2", r.Str(".spec.containers[1].image"));
    }

    [Fact]
    public async Task Patch_UnknownContentType_Returns415()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");

        var r = await h.PatchAsync(Cms + "/a", SandboxHarness.Json("{}"), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.Status);
    }

    [Fact]
    public async Task Patch_ApplyPatchOnMissingObject_CreatesIt()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.PatchAsync(Cms + "/applied?fieldManager=test", SandboxHarness.Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"b"}}"""), "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal("b", (await h.GetAsync(Cms + "/applied")).Str(".data.a"));
    }

    [Fact]
    public async Task Scale_PatchReplicas_UpdatesDeploymentSpec()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/apis/apps/v1/namespaces/default/deployments", """{"metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[]}}}}""");

        var r = await h.PatchAsync("/apis/apps/v1/namespaces/default/deployments/d/scale", SandboxHarness.Json("""{"spec":{"replicas":4}}"""));

        Assert.Equal("Scale", r.Str(".kind"));
        Assert.Equal("4", r.Str(".spec.replicas"));
        Assert.Equal("4", (await h.GetAsync("/apis/apps/v1/namespaces/default/deployments/d")).Str(".spec.replicas"));
    }

    [Fact]
    public async Task Get_AcceptTable_ReturnsTableWithColumnsAndRows()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");

        var r = await h.GetAsync(Cms, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        Assert.Equal("Table", r.Str(".kind"));
        Assert.Equal("Name", r.Str(".columnDefinitions[0].name"));
        Assert.Equal("a", r.Str(".rows[0].cells[0]"));
        Assert.Equal("PartialObjectMetadata", r.Str(".rows[0].object.kind"));
    }

    [Fact]
    public async Task Create_ProtobufNamespace_IsDecoded()
    {
        await using var h = await SandboxHarness.StartAsync();
        // k8s\0 + Unknown{typeMeta{apiVersion "v1", kind "Namespace"}, raw Namespace{metadata{name "proto"}}}
        byte[] body = [(byte)'k', (byte)'8', (byte)'s', 0, 0x0a, 0x0f, 0x0a, 0x02, (byte)'v', (byte)'1', 0x12, 0x09, .. "Namespace"u8, 0x12, 0x09, 0x0a, 0x07, 0x0a, 0x05, .. "proto"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");

        using var response = await h.Http.PostAsync("/api/v1/namespaces", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Active", (await h.GetAsync("/api/v1/namespaces/proto")).Str(".status.phase"));
    }

    [Fact]
    public async Task Watch_FromNow_StreamsAddedModifiedDeleted()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("before");
        using var w = await h.WatchAsync(Cms + "?watch=1");

        Assert.Equal("ADDED", (await w.NextAsync())!["type"]!.GetValue<string>());
        await h.CreateConfigMapAsync("a");
        await h.PatchAsync(Cms + "/a", SandboxHarness.Json("""{"data":{"k":"v2"}}"""));
        await h.DeleteAsync(Cms + "/a");

        var added = await w.NextAsync();
        var modified = await w.NextAsync();
        var deleted = await w.NextAsync();
        Assert.Equal(("ADDED", "a"), (added!["type"]!.GetValue<string>(), added["object"]!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("v2", modified!["object"]!["data"]!["k"]!.GetValue<string>());
        Assert.Equal("DELETED", deleted!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_ConfinedToOneNameByFieldSelector_GetsOnlyThatObjectsEventsAndCostsTheOthersNothing()
    {
        // Two thousand lease holders each watch their own Lease: a renewal must not be queued for all of them.
        await using var h = await SandboxHarness.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await h.CreateConfigMapAsync($"cm-{i}");
        }

        var pinned = new List<SandboxHarness.WatchStream>();
        for (var i = 0; i < 20; i++)
        {
            pinned.Add(await h.WatchAsync($"{Cms}?watch=1&resourceVersion={h.Server.ResourceVersion}&fieldSelector=metadata.name%3Dcm-{i}"));
        }

        using var everything = await h.WatchAsync($"{Cms}?watch=1&resourceVersion={h.Server.ResourceVersion}");
        using var otherNamespace = await h.WatchAsync($"/api/v1/namespaces/kube-system/configmaps?watch=1&resourceVersion={h.Server.ResourceVersion}");
        var before = h.Server.WatchDeliveries;

        for (var v = 0; v < 5; v++)
        {
            await h.PatchAsync(Cms + "/cm-7", SandboxHarness.Json($$$"""{"data":{"k":"v{{{v}}}"}}"""));
        }

        for (var v = 0; v < 5; v++)
        {
            Assert.Equal($"v{v}", (await pinned[7].NextChangeAsync())!["object"]!["data"]!["k"]!.GetValue<string>());
            Assert.Equal("cm-7", (await everything.NextChangeAsync())!["object"]!["metadata"]!["name"]!.GetValue<string>());
        }

        Assert.Equal(10, h.Server.WatchDeliveries - before); // the cm-7 watch and the namespace-wide one, 5 changes each
        foreach (var w in pinned)
        {
            w.Dispose();
        }
    }

    [Fact]
    public async Task Watch_FromResourceVersion_ReplaysOnlyLaterChanges()
    {
        await using var h = await SandboxHarness.StartAsync();
        var a = await h.CreateConfigMapAsync("a");
        await h.CreateConfigMapAsync("b");
        await h.PatchAsync(Cms + "/a", SandboxHarness.Json("""{"data":{"k":"v2"}}"""));

        using var w = await h.WatchAsync($"{Cms}?watch=true&resourceVersion={a["metadata"]!["resourceVersion"]}");

        var first = await w.NextAsync();
        var second = await w.NextAsync();
        Assert.Equal("ADDED b", $"{first!["type"]} {first["object"]!["metadata"]!["name"]}");
        Assert.Equal("MODIFIED a", $"{second!["type"]} {second["object"]!["metadata"]!["name"]}");
    }

    [Fact]
    public async Task Watch_ResourceVersionBeyondHistory_SendsErrorEvent410Expired()
    {
        await using var h = await SandboxHarness.StartAsync(o => o.WatchHistoryCapacity = 2);
        var a = await h.CreateConfigMapAsync("a");
        for (var i = 0; i < 4; i++)
        {
            await h.CreateConfigMapAsync($"x{i}");
        }

        using var w = await h.WatchAsync($"{Cms}?watch=1&resourceVersion={a["metadata"]!["resourceVersion"]}");
        var e = await w.NextAsync();

        Assert.Equal("ERROR", e!["type"]!.GetValue<string>());
        Assert.Equal(410, e["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.GetValue<string>());
        Assert.StartsWith("too old resource version", e["object"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await w.NextAsync());
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsStreamCleanly()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var w = await h.WatchAsync($"{Cms}?watch=1&timeoutSeconds=1&resourceVersion={h.Server.ResourceVersion}");

        Assert.Null(await w.NextAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Watch_AllowBookmarks_SendsBookmarkWithCurrentResourceVersion()
    {
        await using var h = await SandboxHarness.StartAsync(o => o.BookmarkInterval = TimeSpan.FromMilliseconds(100));
        await h.CreateConfigMapAsync("a");
        using var w = await h.WatchAsync($"{Cms}?watch=1&allowWatchBookmarks=true&resourceVersion={h.Server.ResourceVersion}");

        var e = await w.NextAsync();

        Assert.Equal("BOOKMARK", e!["type"]!.GetValue<string>());
        Assert.Equal(h.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("ConfigMap", e["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_SendInitialEvents_EndsInitialListWithAnnotatedBookmark()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");
        using var w = await h.WatchAsync($"{Cms}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");

        Assert.Equal("ADDED", (await w.NextAsync())!["type"]!.GetValue<string>());
        var bookmark = await w.NextAsync();
        Assert.Equal("BOOKMARK", bookmark!["type"]!.GetValue<string>());
        Assert.Equal("true", bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_LabelSelector_TurnsLabelChangesIntoAddedAndDeleted()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");
        using var w = await h.WatchAsync($"{Cms}?watch=1&labelSelector=role%3Dactive&resourceVersion={h.Server.ResourceVersion}");

        await h.CreateConfigMapAsync("other");
        await h.PatchAsync(Cms + "/a", SandboxHarness.Json("""{"metadata":{"labels":{"role":"active"}}}"""));
        await h.PatchAsync(Cms + "/a", SandboxHarness.Json("""{"metadata":{"labels":{"role":"standby"}}}"""));

        Assert.Equal("ADDED a", Describe(await w.NextAsync()));
        Assert.Equal("DELETED a", Describe(await w.NextAsync()));
    }

    [Fact]
    public async Task Watch_FieldSelectorOnName_SeesOnlyThatObject()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var w = await h.WatchAsync($"{Cms}?watch=1&fieldSelector=metadata.name%3Db&resourceVersion={h.Server.ResourceVersion}");

        await h.CreateConfigMapAsync("a");
        await h.CreateConfigMapAsync("b");

        Assert.Equal("ADDED b", Describe(await w.NextAsync()));
    }

    [Fact]
    public async Task Watch_AcceptTable_SendsTableEvents()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Cms}?watch=1");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
        await h.CreateConfigMapAsync("a");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var response = await h.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var e = JsonNode.Parse((await reader.ReadLineAsync(cts.Token))!)!;

        Assert.Equal("Table", e["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("a", e["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"metadata":{"name":5}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("not json")]
    public async Task Create_MalformedBody_Returns400(string body)
    {
        await using var h = await SandboxHarness.StartAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await h.Http.PostAsync(Cms, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"reason\":\"BadRequest\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Describe(JsonObject? e) => e is null ? "<end>" : $"{e["type"]} {e["object"]!["metadata"]!["name"]}";
}
