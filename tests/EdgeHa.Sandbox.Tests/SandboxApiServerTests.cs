using System.Net;
using System.Text;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.Sandbox.Tests.Support;

namespace EdgeHa.Sandbox.Tests;

public sealed class SandboxApiServerTests
{
    [Fact]
    public async Task StartAsync_PortZero_ServesHttpsOnLoopbackTrustedThroughCa()
    {
        await using var h = await SandboxHarness.StartAsync();

        Assert.Equal("https", h.Server.Url.Scheme);
        Assert.Equal("127.0.0.1", h.Server.Url.Host);
        Assert.NotEqual(0, h.Server.Url.Port);
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync("/api/v1/namespaces/default")).Status);
    }

    [Fact]
    public async Task StartAsync_BindAddress_ListensThereWithTheAddressInTheCertificate()
    {
        // 127.0.0.2 stands in for a bridge address in a network namespace (all of 127.0.0.0/8 is loopback on Linux).
        await using var h = await SandboxHarness.StartAsync(o => o.BindAddress = IPAddress.Parse("127.0.0.2"));
        var nameMismatch = true;
        var chainBuilt = false;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
        {
            nameMismatch = errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch);
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(h.Server.CaCertificatePem!));
            chainBuilt = chain.Build((System.Security.Cryptography.X509Certificates.X509Certificate2)cert!);
            return true;
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };

        using var response = await client.GetAsync(new Uri(h.Server.Url, "/version"));

        Assert.Equal("127.0.0.2", h.Server.Url.Host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(chainBuilt);
        Assert.False(nameMismatch);
    }

    [Fact]
    public async Task StartAsync_UntrustingClient_FailsTls()
    {
        await using var h = await SandboxHarness.StartAsync();
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new Uri(h.Server.Url, "/version")));
    }

    [Fact]
    public async Task StartAsync_PlainHttp_ServesHttp()
    {
        await using var h = await SandboxHarness.StartAsync(o => { o.UseHttps = false; o.Token = "t0ken"; });

        Assert.Equal("http", h.Server.Url.Scheme);
        Assert.Null(h.Server.CaCertificatePem);
        Assert.Equal("t0ken", h.Server.Token);
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync("/api")).Status);
    }

    [Fact]
    public async Task IssueClientCertificate_AuthenticatesWithoutToken()
    {
        await using var h = await SandboxHarness.StartAsync();
        var (certPem, keyPem) = h.Server.IssueClientCertificate("tester");
        using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certPem, keyPem);
        using var pfx = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [pfx];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler) { BaseAddress = h.Server.Url, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await client.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WriteKubeconfig_ClientCertificate_ReplacesToken()
    {
        await using var h = await SandboxHarness.StartAsync();

        var text = h.Server.KubeconfigYaml(clientCertificate: true);

        Assert.Contains("client-certificate-data: ", text, StringComparison.Ordinal);
        Assert.Contains("client-key-data: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttp_NoCredentialsAllowedButWrongTokenRejected()
    {
        await using var h = await SandboxHarness.StartAsync(o => o.UseHttps = false);
        using var anonymous = new HttpClient { BaseAddress = h.Server.Url, Timeout = TimeSpan.FromSeconds(10) };
        using var wrong = new HttpClient { BaseAddress = h.Server.Url, Timeout = TimeSpan.FromSeconds(10) };
        wrong.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "nope");

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative))).StatusCode);
        Assert.Throws<InvalidOperationException>(() => h.Server.IssueClientCertificate());
    }

    [Fact]
    public async Task StartAsync_StartsWithSystemNamespaces()
    {
        await using var h = await SandboxHarness.StartAsync();
        var names = (await h.GetAsync("/api/v1/namespaces")).Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>());

        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], names);
    }

    [Fact]
    public async Task WriteKubeconfig_ContainsServerCaAndToken()
    {
        await using var h = await SandboxHarness.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"sandbox-{Guid.NewGuid():N}", "config");
        try
        {
            h.Server.WriteKubeconfig(path);
            var text = await File.ReadAllTextAsync(path);

            Assert.Contains($"server: {h.Server.Url.GetLeftPart(UriPartial.Authority)}\n", text, StringComparison.Ordinal);
            Assert.Contains($"token: {h.Server.Token}\n", text, StringComparison.Ordinal);
            Assert.Contains("certificate-authority-data: " + Convert.ToBase64String(Encoding.ASCII.GetBytes(h.Server.CaCertificatePem!)), text, StringComparison.Ordinal);
            Assert.Contains("current-context: edgeha-sandbox", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [Fact]
    public async Task Seed_UnknownKind_Throws()
    {
        await using var h = await SandboxHarness.StartAsync();

        Assert.Throws<ArgumentException>(() => h.Server.Seed(SandboxHarness.Json("""{"apiVersion":"x/v1","kind":"Nope","metadata":{"name":"a"}}""")));
    }

    [Fact]
    public async Task Seed_Crd_ServesItsResources()
    {
        await using var h = await SandboxHarness.StartAsync();
        h.Server.Seed(SandboxHarness.Json(ResourceRegistryTests.Crd));

        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync("/apis/edgeha.io/v1alpha1/redundantpairs")).Status);
    }

    [Fact]
    public async Task DisposeAsync_OpenWatch_Completes()
    {
        var h = await SandboxHarness.StartAsync();
        using var w = await h.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={h.Server.ResourceVersion}");

        await h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(await w.NextAsync().ContinueWith(t => t.IsFaulted ? null : t.Result, TaskScheduler.Default));
    }

    [Fact]
    public async Task Watch_TwoWatchersOfOneResource_BothReceiveEveryEvent()
    {
        await using var h = await SandboxHarness.StartAsync();
        var from = h.Server.ResourceVersion;
        using var first = await h.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={from}");
        using var second = await h.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={from}");

        await h.CreateAsync("/api/v1/namespaces/default/configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"shared\"}}");

        foreach (var watch in new[] { first, second })
        {
            var e = await watch.NextChangeAsync();
            Assert.Equal("ADDED", e!["type"]!.GetValue<string>());
            Assert.Equal("shared", e["object"]!["metadata"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Options_Defaults_AreSafe()
    {
        var o = new SandboxApiServerOptions();

        Assert.True(o.UseHttps);
        Assert.Equal(0, o.Port);
        Assert.Equal(1000, o.WatchHistoryCapacity);
    }
}
