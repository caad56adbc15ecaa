using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Collector.Tests;

/// <summary>
/// The collector's lease holder with its pair's own ServiceAccount on a sandbox that enforces RBAC: the per-pair Role
/// (verbs on the pair's Lease only, by resourceNames) is enough to follow, renew and release the Lease, and the same
/// token gets 403 on another pair's Lease, which the namespace-wide Role the chart used to give every collector allowed.
/// </summary>
public sealed class LeaseHolderUnderRbacTests : IAsyncLifetime
{
    private const string Ns = "default";
    private static readonly LeaseTerms Terms = new(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
    private readonly List<string> _files = [];
    private SandboxApiServer _api = null!;
    private KubernetesClient _admin = null!;

    public async Task InitializeAsync()
    {
        _api = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, AuthorizeWithRbac = true });
        _admin = ClientWith(token: null);
        await CreateAsync("/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"line1-collector"}}""");
        foreach (var pair in new[] { "line1", "line2" })
        {
            var lease = new Lease { Metadata = new ObjectMeta { Name = pair, Namespace = Ns, Annotations = new Dictionary<string, string>() }, Spec = new LeaseSpec { HolderIdentity = $"{pair}-pod-a" } };
            Terms.WriteTo(lease);
            lease.Metadata.Annotations![FencingAnnotations.Epoch] = "1";
            await _admin.CreateAsync(lease);
        }
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
        foreach (var f in _files)
        {
            File.Delete(f);
        }
    }

    [Fact]
    public async Task PerPairRole_TheHolderRenewsAndReleasesItsLeaseAndAnotherPairsLeaseIsForbidden()
    {
        await BindAsync(resourceNames: ["line1"]);
        using var collector = ClientWith(_api.IssueServiceAccountToken(Ns, "line1-collector"));
        await using var holder = new LeaseHolder(collector, new LeaseHolderOptions { Namespace = Ns, LeaseName = "line1", Identity = "line1-pod-a", DefaultTerms = Terms }, () => 42);
        using var stop = new CancellationTokenSource();
        var running = holder.RunAsync(stop.Token);

        await WaitUntilAsync(() => Task.FromResult(holder.State.Acting), "the holder never acted under its own ServiceAccount");
        var first = (await _admin.GetAsync<Lease>("line1", Ns)).Spec!.RenewTime;
        await WaitUntilAsync(async () => (await _admin.GetAsync<Lease>("line1", Ns)).Spec!.RenewTime != first, "the holder never renewed");
        await Assert.ThrowsAsync<ForbiddenException>(() => collector.GetAsync<Lease>("line2", Ns));
        var line2 = await _admin.GetAsync<Lease>("line2", Ns);
        line2.Spec!.HolderIdentity = "line1-pod-a";
        await Assert.ThrowsAsync<ForbiddenException>(() => collector.ReplaceAsync(line2));

        await stop.CancelAsync();
        await running;
        var released = await _admin.GetAsync<Lease>("line1", Ns);
        Assert.Null(released.Spec!.HolderIdentity);
        Assert.Equal("line1-pod-a", released.Metadata.Annotations![FencingAnnotations.ReleasedBy]);
        Assert.Equal("42", released.Metadata.Annotations[FencingAnnotations.LastPublishedSequence]);
        Assert.Equal("line2-pod-a", (await _admin.GetAsync<Lease>("line2", Ns)).Spec!.HolderIdentity);
    }

    [Fact]
    public async Task NamespaceWideRole_TheSameTokenCouldTakeAnotherPairsLease()
    {
        // The shared collector Role of earlier charts: what the per-pair Role closes.
        await BindAsync(resourceNames: []);
        using var collector = ClientWith(_api.IssueServiceAccountToken(Ns, "line1-collector"));
        var line2 = await collector.GetAsync<Lease>("line2", Ns);
        line2.Spec!.HolderIdentity = "line1-pod-a";

        await collector.ReplaceAsync(line2);

        Assert.Equal("line1-pod-a", (await _admin.GetAsync<Lease>("line2", Ns)).Spec!.HolderIdentity);
    }

    // RBAC objects as JSON: the collector's client has no models for them (the operator's objects are tested there).
    private async Task BindAsync(string[] resourceNames)
    {
        var names = resourceNames.Length == 0 ? "" : $",\"resourceNames\":[{string.Join(',', resourceNames.Select(n => $"\"{n}\""))}]";
        await CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
            "{\"metadata\":{\"name\":\"line1-collector\"},\"rules\":[{\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"]" + names + ",\"verbs\":[\"get\",\"watch\",\"update\",\"patch\"]}]}");
        await CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
            """{"metadata":{"name":"line1-collector"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"line1-collector"},"subjects":[{"kind":"ServiceAccount","name":"line1-collector","namespace":"default"}]}""");
    }

    private async Task CreateAsync(string path, string json)
    {
        using var http = _api.CreateHttpClient(TimeSpan.FromSeconds(10));
        using var response = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private KubernetesClient ClientWith(string? token)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgeha-rbac-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, _api.KubeconfigYaml(token: token));
        _files.Add(path);
        return new KubernetesClient(KubeConfigLoader.FromKubeConfigFiles([path]));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            Assert.False(timeout.IsCancellationRequested, message);
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
