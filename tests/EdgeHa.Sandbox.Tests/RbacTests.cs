using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeHa.Sandbox.Tests.Support;

namespace EdgeHa.Sandbox.Tests;

/// <summary>The sandbox with RBAC enforced: ServiceAccount tokens get exactly what their bindings grant.</summary>
public sealed class RbacTests : IAsyncLifetime
{
    private const string Collector = "system:serviceaccount:default:line1-collector";
    private SandboxHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await SandboxHarness.StartAsync(o => o.AuthorizeWithRbac = true);
        await _h.CreateAsync("/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"line1-collector"}}""");
        foreach (var lease in new[] { "line1", "line2" })
        {
            await _h.CreateAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases", $$$"""{"metadata":{"name":"{{{lease}}}"},"spec":{}}""");
        }
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task RoleOnOneLease_TheServiceAccountRenewsItAndGets403OnTheOtherPairsLease()
    {
        await BindRoleAsync("""[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"resourceNames":["line1"],"verbs":["get","watch","update","patch"]}]""");
        using var collector = ClientFor(_h.Server.IssueServiceAccountToken("default", "line1-collector"));

        var own = await SendAsync(collector, HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/default/leases/line1");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        var renewed = await SendAsync(collector, HttpMethod.Patch, "/apis/coordination.k8s.io/v1/namespaces/default/leases/line1", """{"spec":{"holderIdentity":"line1-a"}}""");
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        var watch = await SendAsync(collector, HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dline1");
        Assert.Equal(HttpStatusCode.OK, watch.Status);

        var other = await SendAsync(collector, HttpMethod.Patch, "/apis/coordination.k8s.io/v1/namespaces/default/leases/line2", """{"spec":{"holderIdentity":"line1-a"}}""");
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(
            $"leases.coordination.k8s.io \"line2\" is forbidden: User \"{Collector}\" cannot patch resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"default\"",
            other.Body!["message"]!.GetValue<string>());
        Assert.Equal("Forbidden", other.Body["reason"]!.GetValue<string>());
        Assert.Equal("""{"name":"line2","group":"coordination.k8s.io","kind":"leases"}""", other.Body["details"]!.ToJsonString());
        Assert.Null((await _h.GetAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases/line2")).Object["spec"]!["holderIdentity"]);

        var list = await SendAsync(collector, HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/default/leases");
        Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        Assert.Equal($"leases.coordination.k8s.io is forbidden: User \"{Collector}\" cannot list resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"default\"", list.Body!["message"]!.GetValue<string>());
        var otherWatch = await SendAsync(collector, HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=1&fieldSelector=metadata.name%3Dline2");
        Assert.Equal(HttpStatusCode.Forbidden, otherWatch.Status);
        var create = await SendAsync(collector, HttpMethod.Post, "/apis/coordination.k8s.io/v1/namespaces/default/leases", """{"metadata":{"name":"line1"},"spec":{}}""");
        Assert.Equal(HttpStatusCode.Forbidden, create.Status); // a name in the body does not satisfy resourceNames
    }

    [Fact]
    public async Task NoBinding_ResourcesAreForbiddenDiscoveryIsNot()
    {
        using var collector = ClientFor(_h.Server.IssueServiceAccountToken("default", "line1-collector"));

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(collector, HttpMethod.Get, "/api/v1/namespaces/default/pods")).Status);
        var nodes = await SendAsync(collector, HttpMethod.Get, "/api/v1/nodes");
        Assert.Equal($"nodes is forbidden: User \"{Collector}\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", nodes.Body!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(collector, HttpMethod.Get, "/apis")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(collector, HttpMethod.Get, "/api/v1")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(collector, HttpMethod.Post, "/sandbox/faults", "{}")).Status);
    }

    [Fact]
    public async Task ClusterRoleBoundToTheServiceAccountsGroup_GrantsInEveryNamespaceButNotTheSubresource()
    {
        await _h.CreateAsync("/api/v1/namespaces", """{"metadata":{"name":"plant"}}""");
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles", """{"metadata":{"name":"deployment-reader"},"rules":[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","list","update"]}]}""");
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """{"metadata":{"name":"deployment-reader"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"deployment-reader"},"subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:serviceaccounts"}]}""");
        using var collector = ClientFor(_h.Server.IssueServiceAccountToken("default", "line1-collector"));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(collector, HttpMethod.Get, "/apis/apps/v1/namespaces/plant/deployments")).Status);
        var status = await SendAsync(collector, HttpMethod.Patch, "/apis/apps/v1/namespaces/plant/deployments/x/status", """{"status":{}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status.Status);
        Assert.Contains("cannot patch resource \"deployments/status\" in API group \"apps\"", status.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequest_MintsATokenThatStopsWorkingWhenTheServiceAccountIsDeleted()
    {
        await BindRoleAsync("""[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"resourceNames":["line1"],"verbs":["get"]}]""");
        var minted = await _h.PostAsync("/api/v1/namespaces/default/serviceaccounts/line1-collector/token", SandboxHarness.Json("""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}"""));
        Assert.Equal(HttpStatusCode.Created, minted.Status);
        using var collector = ClientFor(minted.Object["status"]!["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(collector, HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/default/leases/line1")).Status);

        Assert.Equal(HttpStatusCode.OK, (await _h.DeleteAsync("/api/v1/namespaces/default/serviceaccounts/line1-collector")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(collector, HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/default/leases/line1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _h.PostAsync("/api/v1/namespaces/default/serviceaccounts/line1-collector/token", SandboxHarness.Json("{}"))).Status);
    }

    [Fact]
    public async Task SelfSubjectAccessReview_AnAdminImpersonatingTheServiceAccountGetsItsAnswer()
    {
        await BindRoleAsync("""[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"resourceNames":["line1"],"verbs":["update"]}]""");

        async Task<bool> CanUpdate(string lease)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
            {
                Content = new StringContent($$$$"""{"spec":{"resourceAttributes":{"namespace":"default","verb":"update","group":"coordination.k8s.io","resource":"leases","name":"{{{{lease}}}}"}}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Impersonate-User", Collector);
            using var response = await _h.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!["allowed"]!.GetValue<bool>();
        }

        Assert.True(await CanUpdate("line1"));
        Assert.False(await CanUpdate("line2"));
    }

    [Fact]
    public async Task Impersonation_ByAServiceAccount_IsForbidden()
    {
        using var collector = ClientFor(_h.Server.IssueServiceAccountToken("default", "line1-collector"));
        collector.DefaultRequestHeaders.Add("Impersonate-User", "kubernetes-admin");

        var r = await SendAsync(collector, HttpMethod.Get, "/api/v1/namespaces/default/pods");

        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Contains("cannot impersonate resource \"users\"", r.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RbacOff_AServiceAccountTokenMayDoAnything()
    {
        await using var permissive = await SandboxHarness.StartAsync();
        await permissive.CreateAsync("/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"any"}}""");
        using var client = permissive.Server.CreateHttpClient(TimeSpan.FromSeconds(10));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", permissive.Server.IssueServiceAccountToken("default", "any"));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/v1/nodes")).Status);
    }

    [Fact]
    public async Task WritingARole_GrantsOnlyWhatTheWriterHolds_UnlessItMayEscalate()
    {
        // A manager of per-pair Roles, as the operator is: it may write Roles and holds get/update on Leases.
        await BindRoleAsync("""[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["create","patch","update"]},{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","update"]}]""");
        using var manager = ClientFor(_h.Server.IssueServiceAccountToken("default", "line1-collector"));
        const string Roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles";

        var held = await SendAsync(manager, HttpMethod.Post, Roles, """{"metadata":{"name":"pair-a"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"resourceNames":["line1"],"verbs":["get","update"]}]}""");
        var more = await SendAsync(manager, HttpMethod.Post, Roles, """{"metadata":{"name":"pair-b"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","delete"]}]}""");
        var wildcard = await SendAsync(manager, HttpMethod.Post, Roles, """{"metadata":{"name":"pair-c"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["*"],"verbs":["get"]}]}""");
        var patched = await SendAsync(manager, HttpMethod.Patch, Roles + "/pair-a", """{"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","update","delete"]}]}""");

        Assert.Equal(HttpStatusCode.Created, held.Status);
        Assert.Equal(HttpStatusCode.Forbidden, more.Status);
        Assert.Equal(
            $"roles.rbac.authorization.k8s.io \"pair-b\" is forbidden: user \"{Collector}\" (groups=[\"system:serviceaccounts\" \"system:serviceaccounts:default\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{{APIGroups:[\"coordination.k8s.io\"], Resources:[\"leases\"], Verbs:[\"get\",\"delete\"]}}",
            more.Body!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, wildcard.Status); // holding leases does not cover every resource
        Assert.Equal(HttpStatusCode.Forbidden, patched.Status); // a patch is checked on the object it produces
        Assert.Equal("""["get","update"]""", (await _h.GetAsync(Roles + "/pair-a")).Object["rules"]![0]!["verbs"]!.ToJsonString());

        await _h.CreateAsync(Roles, """{"metadata":{"name":"escalator"},"rules":[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["escalate"]}]}""");
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", """{"metadata":{"name":"escalator"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"escalator"},"subjects":[{"kind":"ServiceAccount","name":"line1-collector","namespace":"default"}]}""");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(manager, HttpMethod.Post, Roles, """{"metadata":{"name":"pair-b"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","delete"]}]}""")).Status);
    }

    [Fact]
    public async Task WritingABinding_NeedsTheRolesPermissionsOrTheBindVerbOnIt()
    {
        await BindRoleAsync("""[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["rolebindings"],"verbs":["create"]},{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get"]}]""");
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles", """{"metadata":{"name":"lease-reader"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get"]}]}""");
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles", """{"metadata":{"name":"lease-writer"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","update"]}]}""");
        using var manager = ClientFor(_h.Server.IssueServiceAccountToken("default", "line1-collector"));
        const string Bindings = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings";
        static string Binding(string name, string role) => $$"""{"metadata":{"name":"{{name}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{role}}"},"subjects":[{"kind":"ServiceAccount","name":"other","namespace":"default"}]}""";

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(manager, HttpMethod.Post, Bindings, Binding("reader", "lease-reader"))).Status);
        var writer = await SendAsync(manager, HttpMethod.Post, Bindings, Binding("writer", "lease-writer"));
        Assert.Equal(HttpStatusCode.Forbidden, writer.Status);
        Assert.Contains("is attempting to grant RBAC permissions not currently held", writer.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(manager, HttpMethod.Post, Bindings, Binding("ghost", "no-such-role"))).Status); // as kube-apiserver: the role must exist to be judged

        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", """{"metadata":{"name":"binder"},"rules":[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["clusterroles"],"resourceNames":["lease-writer"],"verbs":["bind"]}]}""");
        await _h.CreateAsync(Bindings, """{"metadata":{"name":"binder"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"binder"},"subjects":[{"kind":"ServiceAccount","name":"line1-collector","namespace":"default"}]}""");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(manager, HttpMethod.Post, Bindings, Binding("writer", "lease-writer"))).Status);
    }

    private async Task BindRoleAsync(string rules)
    {
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", $$"""{"metadata":{"name":"line1-collector"},"rules":{{rules}}}""");
        await _h.CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", """{"metadata":{"name":"line1-collector"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"line1-collector"},"subjects":[{"kind":"ServiceAccount","name":"line1-collector","namespace":"default"}]}""");
    }

    private HttpClient ClientFor(string token)
    {
        var client = _h.Server.CreateHttpClient(TimeSpan.FromSeconds(10));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text) : null);
    }
}
