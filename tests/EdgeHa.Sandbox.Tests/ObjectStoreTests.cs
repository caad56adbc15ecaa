using System.Net;
using System.Text.Json.Nodes;
using EdgeHa.Sandbox.Tests.Support;

namespace EdgeHa.Sandbox.Tests;

/// <summary>API server semantics of the store, exercised over real HTTP.</summary>
public sealed class ObjectStoreTests
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private const string DeploymentJson = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}},
         "status":{"replicas":5}}
        """;

    [Fact]
    public async Task Create_NewObject_SetsUidTimestampGenerationAndIncreasingResourceVersion()
    {
        await using var h = await SandboxHarness.StartAsync();
        var a = await h.CreateConfigMapAsync("a");
        var b = await h.CreateConfigMapAsync("b");

        Assert.Equal("v1", a["apiVersion"]!.GetValue<string>());
        Assert.Equal("ConfigMap", a["kind"]!.GetValue<string>());
        Assert.True(Guid.TryParse(a["metadata"]!["uid"]!.GetValue<string>(), out _));
        Assert.EndsWith("Z", a["metadata"]!["creationTimestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, a["metadata"]!["generation"]!.GetValue<long>());
        Assert.True(long.Parse(b["metadata"]!["resourceVersion"]!.GetValue<string>()) > long.Parse(a["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_Existing_Returns409AlreadyExistsStatus()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");
        var r = await h.PostAsync(Cms, SandboxHarness.Json("""{"metadata":{"name":"a"}}"""));

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"a\" already exists","reason":"AlreadyExists","details":{"name":"a","kind":"configmaps"},"code":409}""",
            r.Raw);
    }

    [Fact]
    public async Task Get_Missing_Returns404NotFoundStatusWithGroup()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.GetAsync(Deployments + "/nope");

        Assert.Equal(HttpStatusCode.NotFound, r.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"apps","kind":"deployments"},"code":404}""",
            r.Raw);
    }

    [Fact]
    public async Task Create_InvalidName_Returns422WithCause()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.PostAsync(Cms, SandboxHarness.Json("""{"metadata":{"name":"Bad_Name"}}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal("Invalid", r.Str(".reason"));
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", r.Str(".message"), StringComparison.Ordinal);
        Assert.Equal("FieldValueInvalid", r.Str(".details.causes[0].reason"));
        Assert.Equal("metadata.name", r.Str(".details.causes[0].field"));
        Assert.Equal("ConfigMap", r.Str(".details.kind"));
    }

    [Fact]
    public async Task Update_RoleBindingWithAnotherRoleRef_Returns422LikeKubeApiserver()
    {
        await using var h = await SandboxHarness.StartAsync();
        const string bindings = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings";
        var created = await h.CreateAsync(bindings, """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"mine"},"subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"default"}]}
            """);

        var subjects = created.DeepClone().AsObject();
        subjects["subjects"]!.AsArray().Add(JsonNode.Parse("""{"kind":"ServiceAccount","name":"other","namespace":"default"}"""));
        var changedRole = created.DeepClone().AsObject();
        changedRole["roleRef"]!["name"] = "edit";
        changedRole["roleRef"]!["kind"] = "ClusterRole";

        Assert.Equal(HttpStatusCode.OK, (await h.PutAsync(bindings + "/b", subjects)).Status);
        changedRole["metadata"]!["resourceVersion"] = (await h.GetAsync(bindings + "/b")).Str(".metadata.resourceVersion");
        var r = await h.PutAsync(bindings + "/b", changedRole);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal("roleRef", r.Str(".details.causes[0].field"));
        Assert.Contains("cannot change roleRef", r.Str(".message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_GenerateName_AssignsSuffixedName()
    {
        await using var h = await SandboxHarness.StartAsync();
        var obj = await h.CreateAsync(Cms, """{"metadata":{"generateName":"cm-"}}""");

        Assert.Matches("^cm-[a-z0-9]{5}$", obj["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_StaleResourceVersion_Returns409Conflict()
    {
        await using var h = await SandboxHarness.StartAsync();
        var cm = await h.CreateConfigMapAsync("a");
        var stale = cm.DeepClone().AsObject();
        cm["data"]!["k"] = "v2";
        Assert.Equal(HttpStatusCode.OK, (await h.PutAsync(Cms + "/a", cm)).Status);

        stale["data"]!["k"] = "v3";
        var r = await h.PutAsync(Cms + "/a", stale);

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal("Conflict", r.Str(".reason"));
        Assert.Equal("Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again", r.Str(".message"));
    }

    [Fact]
    public async Task Update_NameMismatch_Returns400()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");
        var r = await h.PutAsync(Cms + "/a", SandboxHarness.Json("""{"metadata":{"name":"b"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
    }

    [Fact]
    public async Task Update_NoChange_KeepsResourceVersion()
    {
        await using var h = await SandboxHarness.StartAsync();
        var cm = await h.CreateConfigMapAsync("a");
        var r = await h.PutAsync(Cms + "/a", cm);

        Assert.Equal(cm["metadata"]!["resourceVersion"]!.GetValue<string>(), r.Str(".metadata.resourceVersion"));
    }

    [Fact]
    public async Task Update_SpecChange_BumpsGenerationButMetadataAndStatusDoNot()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync(Deployments, DeploymentJson);

        var labelled = await h.PatchAsync(Deployments + "/web", SandboxHarness.Json("""{"metadata":{"labels":{"x":"y"}}}"""));
        Assert.Equal("1", labelled.Str(".metadata.generation"));
        var status = await h.PatchAsync(Deployments + "/web/status", SandboxHarness.Json("""{"status":{"replicas":1}}"""));
        Assert.Equal("1", status.Str(".metadata.generation"));
        var spec = await h.PatchAsync(Deployments + "/web", SandboxHarness.Json("""{"spec":{"replicas":3}}"""));
        Assert.Equal("2", spec.Str(".metadata.generation"));
    }

    [Fact]
    public async Task Create_KindWithStatusSubresource_DropsStatus()
    {
        await using var h = await SandboxHarness.StartAsync();
        var d = await h.CreateAsync(Deployments, DeploymentJson);

        Assert.Null(d["status"]);
    }

    [Fact]
    public async Task Update_MainResource_IgnoresStatusAndStatusWriteIgnoresSpec()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync(Deployments, DeploymentJson);
        await h.PatchAsync(Deployments + "/web/status", SandboxHarness.Json("""{"status":{"replicas":1}}"""));

        var main = await h.PatchAsync(Deployments + "/web", SandboxHarness.Json("""{"spec":{"replicas":2},"status":{"replicas":9}}"""));
        Assert.Equal("2", main.Str(".spec.replicas"));
        Assert.Equal("1", main.Str(".status.replicas"));

        var current = (await h.GetAsync(Deployments + "/web")).Object;
        current["spec"]!["replicas"] = 7;
        current["status"]!["replicas"] = 2;
        current["metadata"]!["labels"] = new JsonObject { ["ignored"] = "yes" };
        var status = await h.PutAsync(Deployments + "/web/status", current);
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal("2", status.Str(".spec.replicas"));
        Assert.Equal("2", status.Str(".status.replicas"));
        Assert.Null(status.Str(".metadata.labels"));
    }

    [Fact]
    public async Task Status_KindWithoutSubresource_Returns404()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");

        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync(Cms + "/a/status")).Status);
    }

    [Fact]
    public async Task Delete_WithFinalizer_SetsDeletionTimestampUntilFinalizersRemoved()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync(Cms, """{"metadata":{"name":"f","finalizers":["edgeha.io/cleanup"]}}""");

        var deleted = await h.DeleteAsync(Cms + "/f");
        Assert.Equal(HttpStatusCode.Accepted, deleted.Status);
        Assert.NotNull(deleted.Str(".metadata.deletionTimestamp"));
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync(Cms + "/f")).Status);

        var cleared = await h.PatchAsync(Cms + "/f", SandboxHarness.Json("""{"metadata":{"finalizers":null}}"""));
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync(Cms + "/f")).Status);
    }

    [Fact]
    public async Task Delete_Precondition_MismatchedUidReturnsConflict()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a");
        var r = await h.DeleteAsync(Cms + "/a", SandboxHarness.Json("""{"preconditions":{"uid":"other"}}"""));

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Contains("Precondition failed: UID in precondition: other", r.Str(".message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_Owner_BackgroundCascadeDeletesDependents()
    {
        await using var h = await SandboxHarness.StartAsync();
        var owner = await h.CreateConfigMapAsync("owner");
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        await h.CreateAsync(Cms, $$$"""{"metadata":{"name":"child","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{{{uid}}}"}]}}""");
        await h.CreateAsync("/api/v1/namespaces/default/pods", $$$"""{"metadata":{"name":"grandchild-free"},"spec":{"containers":[]}}""");

        await h.DeleteAsync(Cms + "/owner");

        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync(Cms + "/child")).Status);
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync("/api/v1/namespaces/default/pods/grandchild-free")).Status);
    }

    [Fact]
    public async Task Delete_Owner_OrphanKeepsDependentsAndRemovesReference()
    {
        await using var h = await SandboxHarness.StartAsync();
        var owner = await h.CreateConfigMapAsync("owner");
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        await h.CreateAsync(Cms, $$$"""{"metadata":{"name":"child","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{{{uid}}}"}]}}""");

        await h.DeleteAsync(Cms + "/owner?propagationPolicy=Orphan");

        var child = await h.GetAsync(Cms + "/child");
        Assert.Equal(HttpStatusCode.OK, child.Status);
        Assert.Null(child.Str(".metadata.ownerReferences"));
    }

    [Fact]
    public async Task Delete_OneOfTwoOwners_KeepsDependent()
    {
        await using var h = await SandboxHarness.StartAsync();
        var a = (await h.CreateConfigMapAsync("a"))["metadata"]!["uid"]!.GetValue<string>();
        var b = (await h.CreateConfigMapAsync("b"))["metadata"]!["uid"]!.GetValue<string>();
        await h.CreateAsync(Cms, $$$"""{"metadata":{"name":"child","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"a","uid":"{{{a}}}"},{"apiVersion":"v1","kind":"ConfigMap","name":"b","uid":"{{{b}}}"}]}}""");

        await h.DeleteAsync(Cms + "/a");

        var child = await h.GetAsync(Cms + "/child");
        Assert.Equal(HttpStatusCode.OK, child.Status);
        Assert.Equal(b, child.Str(".metadata.ownerReferences[0].uid"));
    }

    [Fact]
    public async Task Create_InMissingNamespace_Returns404ForTheNamespace()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.PostAsync("/api/v1/namespaces/nowhere/configmaps", SandboxHarness.Json("""{"metadata":{"name":"a"}}"""));

        Assert.Equal(HttpStatusCode.NotFound, r.Status);
        Assert.Equal("namespaces \"nowhere\" not found", r.Str(".message"));
    }

    [Fact]
    public async Task Delete_Namespace_DeletesItsContentsAndWaitsForFinalizers()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/api/v1/namespaces", """{"metadata":{"name":"team"}}""");
        await h.CreateConfigMapAsync("plain", "team");
        await h.CreateAsync("/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"held","finalizers":["x/y"]}}""");

        var r = await h.DeleteAsync("/api/v1/namespaces/team");
        Assert.Equal("Terminating", r.Str(".status.phase"));
        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync("/api/v1/namespaces/team/configmaps/plain")).Status);
        var blocked = await h.PostAsync("/api/v1/namespaces/team/configmaps", SandboxHarness.Json("""{"metadata":{"name":"new"}}"""));
        Assert.Equal(HttpStatusCode.Forbidden, blocked.Status);

        await h.PatchAsync("/api/v1/namespaces/team/configmaps/held", SandboxHarness.Json("""{"metadata":{"finalizers":[]}}"""));

        Assert.Equal(HttpStatusCode.NotFound, (await h.GetAsync("/api/v1/namespaces/team")).Status);
    }

    [Fact]
    public async Task List_LimitAndContinue_PagesThroughAllItems()
    {
        await using var h = await SandboxHarness.StartAsync();
        foreach (var n in new[] { "a", "b", "c", "d", "e" })
        {
            await h.CreateConfigMapAsync(n);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var r = await h.GetAsync($"{Cms}?limit=2{(token is null ? "" : "&continue=" + Uri.EscapeDataString(token))}");
            names.AddRange(r.Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            token = r.Str(".metadata.continue");
            Assert.Equal("ConfigMapList", r.Str(".kind"));
            Assert.NotNull(r.Str(".metadata.resourceVersion"));
            pages++;
        }
        while (token is not null);

        Assert.Equal(["a", "b", "c", "d", "e"], names);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task List_LabelAndFieldSelectors_FilterItems()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateConfigMapAsync("a", labels: """{"tier":"web","env":"prod"}""");
        await h.CreateConfigMapAsync("b", labels: """{"tier":"db"}""");
        await h.CreateConfigMapAsync("c");

        async Task<string> Names(string query) =>
            string.Join(',', (await h.GetAsync($"{Cms}?{query}")).Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));

        Assert.Equal("a", await Names("labelSelector=tier%3Dweb"));
        Assert.Equal("a", await Names("labelSelector=tier%3D%3Dweb,env"));
        Assert.Equal("b,c", await Names("labelSelector=tier!%3Dweb"));
        Assert.Equal("a,b", await Names("labelSelector=tier%20in%20(web,db)"));
        Assert.Equal("c", await Names("labelSelector=!tier"));
        Assert.Equal("b", await Names("fieldSelector=metadata.name%3Db"));
        Assert.Equal("a,c", await Names("fieldSelector=metadata.name!%3Db"));
    }

    [Fact]
    public async Task List_PodsByNodeName_UsesFieldSelector()
    {
        await using var h = await SandboxHarness.StartAsync();
        await h.CreateAsync("/api/v1/namespaces/default/pods", """{"metadata":{"name":"p1"},"spec":{"nodeName":"n1","containers":[]}}""");
        await h.CreateAsync("/api/v1/namespaces/default/pods", """{"metadata":{"name":"p2"},"spec":{"nodeName":"n2","containers":[]}}""");

        var r = await h.GetAsync("/api/v1/pods?fieldSelector=spec.nodeName%3Dn2");

        Assert.Equal("p2", r.Str(".items[0].metadata.name"));
        Assert.Single(r.Object["items"]!.AsArray());
        Assert.Equal("Pending", r.Str(".items[0].status.phase"));
    }

    [Fact]
    public async Task List_UnsupportedFieldLabel_Returns400()
    {
        await using var h = await SandboxHarness.StartAsync();
        var r = await h.GetAsync($"{Cms}?fieldSelector=data.k%3Dv");

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("field label not supported: data.k", r.Str(".message"));
    }

    [Fact]
    public async Task Seed_ObjectWithStatus_KeepsStatus()
    {
        await using var h = await SandboxHarness.StartAsync();
        h.Server.Seed(SandboxHarness.Json("""{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}"""));

        var r = await h.GetAsync("/api/v1/nodes/n1");

        Assert.Equal("True", r.Str(".status.conditions[?(@.type==\"Ready\")].status"));
        Assert.NotNull(r.Str(".metadata.uid"));
    }
}
