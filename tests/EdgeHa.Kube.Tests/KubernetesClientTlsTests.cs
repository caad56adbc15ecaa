using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Tests.Support;

namespace EdgeHa.Kube.Tests;

/// <summary>TLS trust and client certificates (the official client's handler) against the fake server over real HTTPS.</summary>
public sealed class KubernetesClientTlsTests : IAsyncLifetime
{
    private const string CmJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns1"}}""";
    private static readonly TestCertificates Certs = TestCertificates.Instance;
    private FakeApiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeApiServer.StartAsync(Certs.Server, (ctx, _) => Respond.Json(ctx, 200, CmJson));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static KubernetesClient Client(k8s.KubernetesClientConfiguration config) =>
        new(config, options: new KubeClientOptions { Retry = KubeRetryPolicy.None, RequestTimeout = TimeSpan.FromSeconds(5) });

    private static X509Certificate2Collection Authorities(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    private k8s.KubernetesClientConfiguration Config(X509Certificate2Collection? ca = null, bool insecure = false, string? serverName = null) => new()
    {
        Host = _server.Url.ToString(),
        SslCaCerts = ca,
        SkipTlsVerify = insecure,
        TlsServerName = serverName,
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
        var path = Path.GetTempFileName();
        File.WriteAllText(path, kubeconfig);
        var config = KubeConfigLoader.FromKubeConfigFiles([path]);
        File.Delete(path);
        using var client = Client(config);

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
        Assert.Equal("CN=edgeha-client, O=system:masters", _server.Last.ClientCertificateSubject);
    }

    [Fact]
    public async Task Create_Ca_TrustsServer()
    {
        using var client = Client(Config(Authorities(Certs.CaPem)));

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
        Assert.Null(_server.Last.ClientCertificateSubject);
    }

    [Fact]
    public async Task Create_OtherCa_RejectsServer()
    {
        using var client = Client(Config(Authorities(Certs.OtherCaPem)));

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
        using var client = Client(Config(Authorities(Certs.CaPem), serverName: "api.example.com"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<ConfigMap>("cm", "ns1"));
    }

    [Fact]
    public async Task Create_TlsServerNameInCertificate_IsAccepted()
    {
        using var client = Client(Config(Authorities(Certs.CaPem), serverName: "localhost"));

        var cm = await client.GetAsync<ConfigMap>("cm", "ns1");

        Assert.Equal("cm", cm.Metadata.Name);
    }
}
