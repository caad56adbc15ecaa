using System.Text;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Tests.Support;

namespace EdgeHa.Kube.Tests;

/// <summary>TLS trust and client certificates against the fake server over real HTTPS.</summary>
public sealed class KubeHttpHandlerFactoryTests : IAsyncLifetime
{
    private const string CmJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns1"}}""";
    private static readonly TestCertificates Certs = TestCertificates.Instance;
    private FakeApiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeApiServer.StartAsync(Certs.Server, (ctx, _) => Respond.Json(ctx, 200, CmJson));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static KubernetesClient Client(KubernetesClientConfiguration config) => new(config);

    private KubernetesClientConfiguration Config(X509Collection? ca = null, bool insecure = false, string? serverName = null, Uri? server = null) => new()
    {
        Server = server ?? _server.Url,
        CertificateAuthorities = ca?.Value,
        InsecureSkipTlsVerify = insecure,
        TlsServerName = serverName,
        Retry = KubeRetryPolicy.None,
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Create_KubeconfigWithCaAndClientCertificateData_ConnectsAndPresentsCertificate()
    {
        var kubeconfig = $"""
            current-context: c
            clusters:
            - name: k
              cluster: {"{"}server: {_server.Url}, certificate-authority-data: {B64(Certs.CaPem)}{"}"}
            users:
            - name: u
              user: {"{"}client-certificate-data: {B64(Certs.ClientCertificatePem)}, client-key-data: {B64(Certs.ClientKeyPem)}{"}"}
            contexts:
            - name: c
              context: {"{"}cluster: k, user: u{"}"}
            """;
        var fs = new MemoryFileSystem().With("/kc", kubeconfig);
        var config = KubeConfigLoader.FromKubeConfigFiles(["/kc"], sources: new KubeConfigSources { FileSystem = fs });
        using var client = Client(config);

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
        Assert.Equal("CN=edgeha-client, O=system:masters", _server.Last.ClientCertificateSubject);
    }

    [Fact]
    public async Task Create_CaFromFile_TrustsServer()
    {
        var fs = new MemoryFileSystem().With("/ca.crt", Certs.CaPem);
        var ca = KubeConfigLoader.LoadAuthorities(null, "/ca.crt", fs, "test");
        using var client = Client(Config(new X509Collection(ca!)));

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
        Assert.Null(_server.Last.ClientCertificateSubject);
    }

    [Fact]
    public async Task Create_OtherCa_RejectsServer()
    {
        var ca = KubeConfigLoader.LoadAuthorities(B64(Certs.OtherCaPem), null, new MemoryFileSystem(), "test");
        using var client = Client(Config(new X509Collection(ca!)));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<ConfigMap>("cm", "ns1"));

        Assert.Equal(0, _server.Count);
    }

    [Fact]
    public async Task Create_NoCaConfigured_RejectsUntrustedServer()
    {
        using var client = Client(Config());

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<ConfigMap>("cm", "ns1"));
    }

    [Fact]
    public async Task Create_InsecureSkipTlsVerify_AcceptsUntrustedServer()
    {
        using var client = Client(Config(insecure: true));

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
    }

    [Fact]
    public async Task Create_HostNotInCertificate_RejectsEvenWithRightCa()
    {
        var ca = KubeConfigLoader.LoadAuthorities(B64(Certs.CaPem), null, new MemoryFileSystem(), "test");
        using var client = Client(Config(new X509Collection(ca!), serverName: "api.example.com"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<ConfigMap>("cm", "ns1"));
    }

    [Fact]
    public async Task Create_TlsServerNameInCertificate_IsAccepted()
    {
        var ca = KubeConfigLoader.LoadAuthorities(B64(Certs.CaPem), null, new MemoryFileSystem(), "test");
        using var client = Client(Config(new X509Collection(ca!), serverName: "localhost"));

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
    }

    [Fact]
    public async Task InCluster_ThroughFakeFileSystem_UsesTokenCaAndNamespace()
    {
        var sa = KubeConfigLoader.ServiceAccountDirectory;
        var fs = new MemoryFileSystem()
            .With($"{sa}/token", "sa-token-1")
            .With($"{sa}/ca.crt", Certs.CaPem)
            .With($"{sa}/namespace", "ns1");
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = _server.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var config = KubeConfigLoader.Load(sources: new KubeConfigSources { FileSystem = fs, GetEnvironmentVariable = n => env.GetValueOrDefault(n), HomeDirectory = "/nowhere" });
        using var client = Client(config);

        await client.GetAsync<ConfigMap>("cm");

        Assert.Equal("/api/v1/namespaces/ns1/configmaps/cm", _server.Last.Path);
        Assert.Equal("Bearer sa-token-1", _server.Last.Authorization);
    }

    /// <summary>Wraps a collection so test signatures stay readable.</summary>
    private sealed record X509Collection(System.Security.Cryptography.X509Certificates.X509Certificate2Collection Value);
}
