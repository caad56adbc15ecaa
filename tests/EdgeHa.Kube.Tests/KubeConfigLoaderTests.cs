using System.Text;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Tests.Support;

namespace EdgeHa.Kube.Tests;

public sealed class KubeConfigLoaderTests
{
    private const string Sa = KubeConfigLoader.ServiceAccountDirectory;

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static KubeConfigSources Sources(MemoryFileSystem fs, Dictionary<string, string>? env = null, string? home = "/home/u") => new()
    {
        FileSystem = fs,
        GetEnvironmentVariable = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        HomeDirectory = home,
    };

    private static string KubeConfig(string current = "dev", string server = "https://dev:6443", string user = "token: dev-token", string cluster = "insecure-skip-tls-verify: true", string extra = "") => $"""
        apiVersion: v1
        kind: Config
        current-context: {current}
        clusters:
        - name: dev-cluster
          cluster:
            server: {server}
            {cluster}
        - name: prod-cluster
          cluster:
            server: https://prod:6443
        users:
        - name: dev-user
          user:
            {user}
        - name: prod-user
          user:
            token: prod-token
        contexts:
        - name: dev
          context:
            cluster: dev-cluster
            user: dev-user
            namespace: edge
        - name: prod
          context:
            cluster: prod-cluster
            user: prod-user
        {extra}
        """;

    [Fact]
    public void Load_KubeconfigVariable_UsesCurrentContext()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig());

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.Equal(new Uri("https://dev:6443"), config.Server);
        Assert.Equal("dev-token", config.AccessToken);
        Assert.Equal("edge", config.DefaultNamespace);
        Assert.True(config.InsecureSkipTlsVerify);
        Assert.Equal("dev", config.ContextName);
    }

    [Fact]
    public void Load_ExplicitContext_OverridesCurrentContext()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig());

        var config = KubeConfigLoader.Load("prod", Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.Equal(new Uri("https://prod:6443"), config.Server);
        Assert.Equal("prod-token", config.AccessToken);
        Assert.Equal("default", config.DefaultNamespace);
        Assert.False(config.InsecureSkipTlsVerify);
    }

    [Fact]
    public void Load_UnknownContext_ThrowsNamingIt()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig());

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load("staging", Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" })));

        Assert.Contains("'staging'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KubeconfigListWithMissingFirstFile_UsesTheFirstExistingOne()
    {
        var fs = new MemoryFileSystem().With("/cfg/b", KubeConfig(server: "https://from-b:6443"));

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/missing:/cfg/b" }));

        Assert.Equal(new Uri("https://from-b:6443"), config.Server);
    }

    [Fact]
    public void Load_SeveralKubeconfigFiles_MergesWithFirstDefinitionWinning()
    {
        var first = """
            current-context: mixed
            clusters:
            - name: dev-cluster
              cluster:
                server: https://first:6443
            contexts:
            - name: mixed
              context:
                cluster: dev-cluster
                user: prod-user
            """;
        var fs = new MemoryFileSystem().With("/cfg/a", first).With("/cfg/b", KubeConfig());

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a:/cfg/b" }));

        Assert.Equal(new Uri("https://first:6443"), config.Server); // dev-cluster from the first file wins
        Assert.Equal("prod-token", config.AccessToken); // prod-user only in the second file
        Assert.Equal("mixed", config.ContextName);
    }

    [Fact]
    public void Load_NoKubeconfigVariable_UsesHomeKubeConfig()
    {
        var fs = new MemoryFileSystem().With("/home/u/.kube/config", KubeConfig(server: "https://home:6443"));

        var config = KubeConfigLoader.Load(sources: Sources(fs));

        Assert.Equal(new Uri("https://home:6443"), config.Server);
    }

    [Fact]
    public void Load_NoKubeconfigButServiceAccount_UsesInCluster()
    {
        var fs = new MemoryFileSystem()
            .With($"{Sa}/token", "sa-token\n")
            .With($"{Sa}/ca.crt", TestCertificates.Instance.CaPem)
            .With($"{Sa}/namespace", "edge-system\n");
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        var config = KubeConfigLoader.Load(sources: Sources(fs, env));

        Assert.Equal(new Uri("https://10.96.0.1:443"), config.Server);
        Assert.Equal($"{Sa}/token", config.TokenFile);
        Assert.Null(config.AccessToken);
        Assert.Equal("edge-system", config.DefaultNamespace);
        Assert.Equal(TestCertificates.Instance.Ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
        Assert.Same(fs, config.FileSystem);
        Assert.Equal("in-cluster", config.ContextName);
    }

    [Fact]
    public void InCluster_Ipv6Host_IsBracketed()
    {
        var fs = new MemoryFileSystem().With($"{Sa}/token", "t");
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "6443" };

        var config = KubeConfigLoader.InCluster(Sources(fs, env));

        Assert.Equal("https://[fd00::1]:6443/", config.Server.ToString());
        Assert.Equal("default", config.DefaultNamespace);
        Assert.Null(config.CertificateAuthorities);
    }

    [Fact]
    public void Load_NothingAvailable_ThrowsExplainingWhereItLooked()
    {
        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(sources: Sources(new MemoryFileSystem())));

        Assert.Contains("KUBECONFIG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KUBERNETES_SERVICE_HOST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TokenFileRelativePath_IsResolvedAgainstTheKubeconfigDirectory()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(user: "tokenFile: tokens/dev"));

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.Equal("/cfg/tokens/dev", config.TokenFile);
    }

    [Fact]
    public void Load_BasicAuthUser_SetsUsernameAndPassword()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(user: "{username: admin, password: pw}"));

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.Equal("admin", config.Username);
        Assert.Equal("pw", config.Password);
    }

    [Fact]
    public void Load_InlineCertificateData_LoadsClientCertificateAndAuthority()
    {
        var certs = TestCertificates.Instance;
        var user = $"{{client-certificate-data: {B64(certs.ClientCertificatePem)}, client-key-data: {B64(certs.ClientKeyPem)}}}";
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(user: user, cluster: $"certificate-authority-data: {B64(certs.CaPem)}"));

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.NotNull(config.ClientCertificate);
        Assert.True(config.ClientCertificate.HasPrivateKey);
        Assert.Equal(certs.Client.Thumbprint, config.ClientCertificate.Thumbprint);
        Assert.Equal(certs.Ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
    }

    [Fact]
    public void Load_CertificateFiles_LoadsThemRelativeToTheKubeconfig()
    {
        var certs = TestCertificates.Instance;
        var fs = new MemoryFileSystem()
            .With("/cfg/a", KubeConfig(user: "{client-certificate: pki/client.crt, client-key: /abs/client.key}", cluster: "certificate-authority: pki/ca.crt"))
            .With("/cfg/pki/client.crt", certs.ClientCertificatePem)
            .With("/abs/client.key", certs.ClientKeyPem)
            .With("/cfg/pki/ca.crt", certs.CaPem);

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.Equal(certs.Client.Thumbprint, config.ClientCertificate!.Thumbprint);
        Assert.Equal(certs.Ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
    }

    [Fact]
    public void Load_CertificateWithoutKey_Throws()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(user: $"client-certificate-data: {B64(TestCertificates.Instance.ClientCertificatePem)}"));

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" })));

        Assert.Contains("both the certificate and the key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadBase64_ThrowsNamingTheField()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(cluster: "certificate-authority-data: '***'"));

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" })));

        Assert.Contains("certificate-authority-data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExecPluginOnly_ThrowsNotSupported()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(user: "exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}"));

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" })));

        Assert.Contains("not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidYaml_ThrowsNamingTheFile()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", "clusters: [unclosed");

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" })));

        Assert.Contains("/cfg/a", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonKubeconfig_IsAccepted()
    {
        var json = """{"current-context":"c","clusters":[{"name":"k","cluster":{"server":"http://127.0.0.1:8080"}}],"contexts":[{"name":"c","context":{"cluster":"k"}}],"users":[]}""";
        var fs = new MemoryFileSystem().With("/cfg/a", json);

        var config = KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" }));

        Assert.Equal(new Uri("http://127.0.0.1:8080"), config.Server);
        Assert.Null(config.AccessToken);
    }

    [Fact]
    public void Load_ServerNotAUrl_Throws()
    {
        var fs = new MemoryFileSystem().With("/cfg/a", KubeConfig(server: "not a url"));

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(sources: Sources(fs, new() { ["KUBECONFIG"] = "/cfg/a" })));

        Assert.Contains("server", ex.Message, StringComparison.Ordinal);
    }
}
