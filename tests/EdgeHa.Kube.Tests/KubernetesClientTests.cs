using System.Text.Json.Nodes;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Tests.Support;

namespace EdgeHa.Kube.Tests;

public sealed class KubernetesClientTests : IAsyncLifetime
{
    private const string PodJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p1","namespace":"ns1","resourceVersion":"7","managedFields":[{"manager":"kubectl"}]},"spec":{"nodeName":"node-a","containers":[{"name":"c","image":"img","volumeMounts":[{"name":"v","mountPath":"/v"}]}],"volumes":[{"name":"v","emptyDir":{}}]},"status":{"phase":"Running","podIP":"10.0.0.5","qosClass":"BestEffort"}}""";

    private FakeApiServer _server = null!;
    private readonly List<TimeSpan> _delays = [];

    public async Task InitializeAsync() => _server = await FakeApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private KubernetesClient Client(KubeRetryPolicy? retry = null, TimeSpan? timeout = null, string? token = "secret")
    {
        var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = _server.Url.ToString(), AccessToken = token, Namespace = "ns1" }, options: new KubeClientOptions { RequestTimeout = timeout ?? TimeSpan.FromSeconds(10), Retry = retry ?? new KubeRetryPolicy { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(100) } });
        client.DelayAsync = (d, _) =>
        {
            lock (_delays)
            {
                _delays.Add(d);
            }

            return Task.CompletedTask;
        };
        return client;
    }

    [Fact]
    public async Task GetAsync_NamespacedCoreKind_SendsGetWithTokenAndParsesObject()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = Client();

        var pod = await client.GetAsync<Pod>("p1", "ns1");

        var request = _server.Last;
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/namespaces/ns1/pods/p1", request.Path);
        Assert.Equal("Bearer secret", request.Authorization);
        Assert.Equal("application/json", request.Accept);
        Assert.Equal("node-a", pod.Spec!.NodeName);
        Assert.Equal("Running", pod.Status!.Phase);
        Assert.Equal("10.0.0.5", pod.Status.PodIP);
    }

    [Fact]
    public async Task GetAsync_NoNamespace_UsesDefaultNamespace()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = Client();

        await client.GetAsync<Pod>("p1");

        Assert.Equal("/api/v1/namespaces/ns1/pods/p1", _server.Last.Path);
    }

    [Fact]
    public async Task GetAsync_ClusterScopedNamedGroup_UsesApisPathWithoutNamespace()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"x.y"},"spec":{"group":"y","names":{"plural":"x","kind":"X"},"scope":"Namespaced","versions":[]}}""");
        using var client = Client();

        await client.GetAsync<CustomResourceDefinition>("x.y", "ignored");

        Assert.Equal("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.y", _server.Last.Path);
    }

    [Fact]
    public async Task GetAsync_CustomResourceType_UsesGroupVersionPlural()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, """{"apiVersion":"edgeha.io/v1alpha1","kind":"RedundantPair","metadata":{"name":"rp1","namespace":"ns1"},"spec":{"primaryNode":"a"}}""");
        using var client = Client();
        var type = ResourceType.Named("edgeha.io", "v1alpha1", "redundantpairs", "RedundantPair");

        var obj = await client.GetAsync<KubernetesObject>(type, "ns1", "rp1");

        Assert.Equal("/apis/edgeha.io/v1alpha1/namespaces/ns1/redundantpairs/rp1", _server.Last.Path);
        Assert.Equal("a", obj.Extra!["spec"].GetProperty("primaryNode").GetString());
    }

    [Fact]
    public async Task ListAsync_WithSelectorsAndPaging_SendsQueryAndReturnsListMeta()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"tok2"},"items":[{{PodJson}}]}""");
        using var client = Client();

        var list = await client.ListAsync<Pod>("ns1", new ListOptions { LabelSelector = "app=x,tier in (a,b)", FieldSelector = "spec.nodeName=node-a", Limit = 5, Continue = "tok1" });

        var request = _server.Last;
        Assert.Equal("/api/v1/namespaces/ns1/pods", request.Path);
        Assert.Equal("?labelSelector=app%3Dx%2Ctier%20in%20%28a%2Cb%29&fieldSelector=spec.nodeName%3Dnode-a&limit=5&continue=tok1", request.Query);
        Assert.Equal("42", list.Metadata.ResourceVersion);
        Assert.Equal("tok2", list.Metadata.Continue);
        Assert.Single(list.Items);
    }

    [Fact]
    public async Task ListAsync_NullNamespace_ListsAllNamespaces()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, """{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]}""");
        using var client = Client();

        await client.ListAsync<Pod>(ResourceType.Of<Pod>(), null);

        Assert.Equal("/api/v1/pods", _server.Last.Path);
    }

    [Fact]
    public async Task ListAllAsync_TwoPages_FollowsContinueAndKeepsFirstResourceVersion()
    {
        _server.Handler = (ctx, n) => Respond.Json(ctx, 200, n == 1
            ? $$"""{"metadata":{"resourceVersion":"10","continue":"c1"},"items":[{{PodJson}}]}"""
            : $$"""{"metadata":{"resourceVersion":"10"},"items":[{{PodJson}}]}""");
        using var client = Client();

        var all = await client.ListAllAsync<Pod>(ResourceType.Of<Pod>(), "ns1", new ListOptions { Limit = 1 });

        Assert.Equal(2, all.Items.Count);
        Assert.Equal("10", all.Metadata.ResourceVersion);
        Assert.Contains("continue=c1", _server.Last.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Object_PostsJsonToCollectionOfItsNamespace()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 201, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"other","uid":"u1","resourceVersion":"1"},"data":{"k":"v"}}""");
        using var client = Client();
        var cm = new ConfigMap { Metadata = new ObjectMeta { Name = "cm", Namespace = "other" }, Data = new Dictionary<string, string> { ["k"] = "v" } };

        var created = await client.CreateAsync(cm);

        var request = _server.Last;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/namespaces/other/configmaps", request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"other"},"data":{"k":"v"}}""", request.Body);
        Assert.Equal("u1", created.Metadata.Uid);
    }

    [Fact]
    public async Task ReplaceAsync_WithResourceVersion_PutsToObjectPath()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = Client();
        var pod = new Pod { Metadata = new ObjectMeta { Name = "p1", Namespace = "ns1", ResourceVersion = "7" } };

        await client.ReplaceAsync(pod);

        Assert.Equal("PUT", _server.Last.Method);
        Assert.Equal("/api/v1/namespaces/ns1/pods/p1", _server.Last.Path);
        Assert.Contains("\"resourceVersion\":\"7\"", _server.Last.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplaceStatusAsync_Object_PutsToStatusSubresource()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = Client();

        await client.ReplaceStatusAsync(new Pod { Metadata = new ObjectMeta { Name = "p1", Namespace = "ns1", ResourceVersion = "7" } });

        Assert.Equal("PUT", _server.Last.Method);
        Assert.Equal("/api/v1/namespaces/ns1/pods/p1/status", _server.Last.Path);
    }

    [Theory]
    [InlineData(PatchType.Merge, "application/merge-patch+json")]
    [InlineData(PatchType.Json, "application/json-patch+json")]
    [InlineData(PatchType.StrategicMerge, "application/strategic-merge-patch+json")]
    public async Task PatchAsync_EachPatchType_SendsPatchWithItsContentType(PatchType type, string contentType)
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = Client();
        var body = type == PatchType.Json ? """[{"op":"add","path":"/metadata/labels/a","value":"b"}]""" : """{"metadata":{"labels":{"a":"b"}}}""";

        await client.PatchAsync<Pod>("p1", new KubePatch(type, body), "ns1");

        var request = _server.Last;
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/api/v1/namespaces/ns1/pods/p1", request.Path);
        Assert.StartsWith(contentType, request.ContentType, StringComparison.Ordinal);
        Assert.Equal(body, request.Body);
    }

    [Fact]
    public async Task PatchStatusAsync_MergePatchWithExplicitNull_PatchesStatusSubresourceKeepingNull()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns1"}}""");
        using var client = Client();

        await client.PatchStatusAsync<Deployment>("d", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["replicas"] = null } }), "ns1");

        Assert.Equal("/apis/apps/v1/namespaces/ns1/deployments/d/status", _server.Last.Path);
        Assert.Equal("""{"status":{"replicas":null}}""", _server.Last.Body);
    }

    [Fact]
    public async Task DeleteAsync_WithPreconditionsAndPropagation_SendsDeleteOptionsBody()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, """{"kind":"Status","apiVersion":"v1","status":"Success","code":200}""");
        using var client = Client();

        var result = await client.DeleteAsync<Deployment>("d", "ns1", new DeleteOptions
        {
            PropagationPolicy = PropagationPolicy.Foreground,
            Preconditions = new Preconditions(Uid: "u1", ResourceVersion: "9"),
        });

        var request = _server.Last;
        Assert.Null(result);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/apis/apps/v1/namespaces/ns1/deployments/d", request.Path);
        Assert.Equal("""{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Foreground","preconditions":{"uid":"u1","resourceVersion":"9"}}""", request.Body);
    }

    [Fact]
    public async Task DeleteAsync_ServerReturnsTerminatingObject_ReturnsIt()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns1","deletionTimestamp":"2026-01-01T00:00:00Z","finalizers":["x"]}}""");
        using var client = Client();

        var result = await client.DeleteAsync<ConfigMap>("cm", "ns1");

        Assert.NotNull(result);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), result.Metadata.DeletionTimestamp);
        Assert.Equal("", _server.Last.Body);
    }

    [Fact]
    public async Task DeleteIfExistsAsync_NotFound_ReturnsFalse()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 404, Respond.Status(404, "NotFound"));
        using var client = Client();

        Assert.False(await client.DeleteIfExistsAsync<ConfigMap>("cm", "ns1"));
    }

    [Fact]
    public async Task TryGetAsync_NotFound_ReturnsNull()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 404, Respond.Status(404, "NotFound"));
        using var client = Client();

        Assert.Null(await client.TryGetAsync<ConfigMap>("cm", "ns1"));
    }

    public static TheoryData<int, string, Type> ErrorCases => new()
    {
        { 400, "BadRequest", typeof(BadRequestException) },
        { 401, "Unauthorized", typeof(UnauthorizedException) },
        { 403, "Forbidden", typeof(ForbiddenException) },
        { 404, "NotFound", typeof(NotFoundException) },
        { 409, "AlreadyExists", typeof(AlreadyExistsException) },
        { 409, "Conflict", typeof(ConflictException) },
        { 410, "Gone", typeof(GoneException) },
        { 410, "Expired", typeof(GoneException) },
        { 422, "Invalid", typeof(InvalidException) },
        { 429, "TooManyRequests", typeof(TooManyRequestsException) },
        { 500, "InternalError", typeof(ServerErrorException) },
        { 503, "ServiceUnavailable", typeof(ServiceUnavailableException) },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task CreateAsync_ErrorStatus_ThrowsTypedExceptionWithStatus(int code, string reason, Type expected)
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, code, Respond.Status(code, reason, "the message"));
        using var client = Client(KubeRetryPolicy.None);

        var ex = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } }));

        Assert.IsType(expected, ex);
        Assert.Equal(code, ex.Code);
        Assert.Equal(reason, ex.Reason);
        Assert.Equal("the message", ex.Status.Message);
    }

    [Fact]
    public async Task CreateAsync_InvalidWithCauses_ExposesCauses()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 422, Respond.Status(422, "Invalid", "bad", """{"name":"cm","kind":"ConfigMap","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"data.x"}]}"""));
        using var client = Client();

        var ex = await Assert.ThrowsAsync<InvalidException>(() => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } }));

        var cause = Assert.Single(ex.Causes);
        Assert.Equal("data.x", cause.Field);
        Assert.Equal("FieldValueRequired", cause.Reason);
        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task GetAsync_NonStatusErrorBody_MapsByHttpCode()
    {
        _server.Handler = async (ctx, _) =>
        {
            ctx.Response.StatusCode = 403;
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "<html>denied</html>");
        };
        using var client = Client();

        var ex = await Assert.ThrowsAsync<ForbiddenException>(() => client.GetAsync<Pod>("p1"));

        Assert.Contains("denied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_ServerErrorsThenSuccess_RetriesWithGrowingBackoff()
    {
        _server.Handler = (ctx, n) => n switch
        {
            1 => Respond.Json(ctx, 500, Respond.Status(500, "InternalError")),
            2 => Respond.Json(ctx, 502, "bad gateway"),
            3 => Respond.Json(ctx, 504, Respond.Status(504, "Timeout")),
            _ => Respond.Json(ctx, 200, PodJson),
        };
        using var client = Client(new KubeRetryPolicy { MaxAttempts = 5, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) });

        var pod = await client.GetAsync<Pod>("p1");

        Assert.Equal("p1", pod.Metadata.Name);
        Assert.Equal(4, _server.Count);
        Assert.Equal(3, _delays.Count);
        Assert.InRange(_delays[0].TotalMilliseconds, 50, 100);
        Assert.InRange(_delays[1].TotalMilliseconds, 100, 200);
        Assert.InRange(_delays[2].TotalMilliseconds, 200, 400);
    }

    [Fact]
    public async Task GetAsync_TooManyRequestsWithRetryAfter_WaitsWhatServerSaid()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 429, Respond.Status(429, "TooManyRequests"), new Dictionary<string, string> { ["Retry-After"] = "3" })
            : Respond.Json(ctx, 200, PodJson);
        using var client = Client();

        await client.GetAsync<Pod>("p1");

        Assert.Equal([TimeSpan.FromSeconds(3)], _delays);
    }

    [Fact]
    public async Task GetAsync_RetryAfterInStatusDetails_IsHonoured()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 503, Respond.Status(503, "ServiceUnavailable", details: """{"retryAfterSeconds":2}"""))
            : Respond.Json(ctx, 200, PodJson);
        using var client = Client();

        await client.GetAsync<Pod>("p1");

        Assert.Equal([TimeSpan.FromSeconds(2)], _delays);
    }

    [Fact]
    public async Task GetAsync_AlwaysFailing_GivesUpAfterMaxAttempts()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 503, Respond.Status(503, "ServiceUnavailable"));
        using var client = Client(new KubeRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) });

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync<Pod>("p1"));

        Assert.Equal(3, _server.Count);
    }

    [Fact]
    public async Task CreateAsync_ServerError_IsNotRetried()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 500, Respond.Status(500, "InternalError"));
        using var client = Client();

        await Assert.ThrowsAsync<ServerErrorException>(() => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } }));

        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task CreateAsync_ServiceUnavailableWithRetryAfter_IsRetried()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 503, Respond.Status(503, "ServiceUnavailable"), new Dictionary<string, string> { ["Retry-After"] = "1" })
            : Respond.Json(ctx, 201, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}""");
        using var client = Client();

        await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } });

        Assert.Equal(2, _server.Count);
        Assert.Equal([TimeSpan.FromSeconds(1)], _delays);
    }

    [Fact]
    public async Task CreateAsync_ServiceUnavailableWithoutRetryAfter_IsNotRetried()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 503, Respond.Status(503, "ServiceUnavailable"));
        using var client = Client();

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } }));

        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task ReplaceAsync_WithoutResourceVersion_IsNotRetriedOnServerError()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 500, Respond.Status(500, "InternalError"));
        using var client = Client();

        await Assert.ThrowsAsync<ServerErrorException>(() => client.ReplaceAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm" } }));

        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task ReplaceAsync_WithResourceVersion_IsRetriedOnServerError()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 500, Respond.Status(500, "InternalError"))
            : Respond.Json(ctx, 200, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","resourceVersion":"2"}}""");
        using var client = Client();

        var result = await client.ReplaceAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm", ResourceVersion = "1" } });

        Assert.Equal("2", result.Metadata.ResourceVersion);
        Assert.Equal(2, _server.Count);
    }

    [Fact]
    public async Task PatchAsync_Conflict_IsNotRetried()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 409, Respond.Status(409, "Conflict"));
        using var client = Client();

        await Assert.ThrowsAsync<ConflictException>(() => client.PatchAsync<ConfigMap>("cm", KubePatch.Merge(new { data = new { a = "b" } })));

        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task GetAsync_ServerTooSlow_ThrowsTimeoutAfterRetries()
    {
        _server.Handler = async (ctx, _) => await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        using var client = Client(new KubeRetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) }, timeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync<Pod>("p1"));

        Assert.Single(_delays); // timed out, retried once, timed out again (the server may not see the 2nd request in time)
    }

    [Fact]
    public async Task GetAsync_CallerCancels_ThrowsOperationCanceled()
    {
        _server.Handler = async (ctx, _) => await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync<Pod>("p1", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task GetAsync_ConnectionRefused_RetriesThenThrowsHttpRequestException()
    {
        var port = EdgeHa.TestSupport.FreePort.Next();
        using var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = new Uri($"http://127.0.0.1:{port}").ToString() }, options: new KubeClientOptions { Retry = new KubeRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) }, RequestTimeout = TimeSpan.FromSeconds(5) });
        var delays = 0;
        client.DelayAsync = (_, _) =>
        {
            delays++;
            return Task.CompletedTask;
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<Pod>("p1", "ns"));

        Assert.Equal(2, delays);
    }

    [Fact]
    public async Task GetAsync_SuccessBodyNotJson_ThrowsApiExceptionNamingTheCall()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, "not json");
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync<Pod>("p1"));

        Assert.Equal("InvalidResponse", ex.Reason);
        Assert.Contains("/api/v1/namespaces/ns1/pods/p1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_BasicAuth_SendsBasicHeader()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = _server.Url.ToString(), Username = "admin", Password = "pw" });

        await client.GetAsync<Pod>("p1", "ns1");

        Assert.Equal("Basic YWRtaW46cHc=", _server.Last.Authorization);
    }

    [Fact]
    public async Task ReplaceAsync_ReadModifyWrite_KeepsFieldsTheModelDoesNotKnow()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = Client();

        var pod = await client.GetAsync<Pod>("p1", "ns1");
        pod.Metadata.Labels = new Dictionary<string, string> { ["role"] = "active" };
        await client.ReplaceAsync(pod);

        var sent = System.Text.Json.Nodes.JsonNode.Parse(_server.Last.Body)!;
        Assert.Equal("kubectl", (string?)sent["metadata"]!["managedFields"]![0]!["manager"]);
        Assert.Equal("/v", (string?)sent["spec"]!["containers"]![0]!["volumeMounts"]![0]!["mountPath"]);
        Assert.NotNull(sent["spec"]!["volumes"]![0]!["emptyDir"]);
        Assert.Equal("BestEffort", (string?)sent["status"]!["qosClass"]);
        Assert.Equal("active", (string?)sent["metadata"]!["labels"]!["role"]);
    }

    [Fact]
    public async Task Requests_AreCountedInClientMetrics()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 404, Respond.Status(404, "NotFound"));
        using var client = Client();
        var before = KubeClientMetrics.RequestCounts.GetValueOrDefault(("get", "404"));

        await Assert.ThrowsAsync<NotFoundException>(() => client.GetAsync<Pod>("p1"));

        Assert.True(KubeClientMetrics.RequestCounts[("get", "404")] >= before + 1);
        Assert.True(KubeClientMetrics.RequestDurations["get"].Count >= 1);
    }

    [Fact]
    public async Task Server_WithBasePath_IsPrefixedToApiPaths()
    {
        _server.Handler = (ctx, _) => Respond.Json(ctx, 200, PodJson);
        using var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = new Uri(_server.Url, "/k8s/clusters/c1/").ToString() });

        await client.GetAsync<Pod>("p1", "ns1");

        Assert.Equal("/k8s/clusters/c1/api/v1/namespaces/ns1/pods/p1", _server.Last.Path);
    }

    [Fact]
    public async Task CreateAsync_ConnectionRefused_IsNotRetried()
    {
        var port = EdgeHa.TestSupport.FreePort.Next();
        using var client = new KubernetesClient(new k8s.KubernetesClientConfiguration { Host = new Uri($"http://127.0.0.1:{port}").ToString() }, options: new KubeClientOptions { Retry = new KubeRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) } });
        var delays = 0;
        client.DelayAsync = (_, _) =>
        {
            delays++;
            return Task.CompletedTask;
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cm", Namespace = "ns" } }));

        Assert.Equal(0, delays);
    }

    [Fact]
    public async Task DeleteAsync_ServerError_IsRetried()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 500, Respond.Status(500, "InternalError"))
            : Respond.Json(ctx, 200, """{"kind":"Status","apiVersion":"v1","status":"Success"}""");
        using var client = Client();

        await client.DeleteAsync<ConfigMap>("cm", "ns1");

        Assert.Equal(2, _server.Count);
        Assert.Single(_delays);
    }

    [Fact]
    public async Task GetAsync_RetryAfterLongerThanPolicyCap_IsCapped()
    {
        _server.Handler = (ctx, n) => n == 1
            ? Respond.Json(ctx, 429, Respond.Status(429, "TooManyRequests"), new Dictionary<string, string> { ["Retry-After"] = "3600" })
            : Respond.Json(ctx, 200, PodJson);
        using var client = Client(new KubeRetryPolicy { MaxRetryAfter = TimeSpan.FromSeconds(5) });

        await client.GetAsync<Pod>("p1");

        Assert.Equal([TimeSpan.FromSeconds(5)], _delays);
    }
}
