using System.Text;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Tests.Support;
using k8s.Exceptions;

namespace EdgeHa.Kube.Tests;

/// <summary>
/// Our search order and merge on top of the official client's kubeconfig reading, on real files in a temporary
/// directory (the KUBECONFIG value and the home kubeconfig are passed in, so tests do not touch the process's).
/// </summary>
public sealed class KubeConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgeha-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private k8s.KubernetesClientConfiguration Load(string? kubeconfigVariable, string? context = null) =>
        KubeConfigLoader.Load(context, kubeconfigVariable, Path.Combine(_dir, "home", ".kube", "config"));

    private static string KubeConfig(string current = "dev", string server = "https://dev:6443", string user = "token: dev-token", string cluster = "insecure-skip-tls-verify: true") => $"""
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
        """;

    [Fact]
    public void Load_KubeconfigVariable_UsesCurrentContext()
    {
        var config = Load(Write("a", KubeConfig()));

        Assert.Equal("https://dev:6443", config.Host);
        Assert.Equal("dev-token", config.AccessToken);
        Assert.Equal("edge", config.Namespace);
        Assert.True(config.SkipTlsVerify);
        Assert.Equal("dev", config.CurrentContext);
    }

    [Fact]
    public void Load_ExplicitContext_OverridesCurrentContext()
    {
        var config = Load(Write("a", KubeConfig()), "prod");

        Assert.Equal("https://prod:6443", config.Host);
        Assert.Equal("prod-token", config.AccessToken);
        Assert.False(config.SkipTlsVerify);
    }

    [Fact]
    public void Load_UnknownContext_ThrowsNamingIt()
    {
        var ex = Assert.Throws<KubeConfigException>(() => Load(Write("a", KubeConfig()), "staging"));

        Assert.Contains("staging", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KubeconfigListWithMissingFirstFile_UsesTheFirstExistingOne()
    {
        var b = Write("b", KubeConfig(server: "https://from-b:6443"));

        var config = Load($"{Path.Combine(_dir, "missing")}{Path.PathSeparator}{b}");

        Assert.Equal("https://from-b:6443", config.Host);
    }

    [Fact]
    public void Load_SeveralKubeconfigFiles_MergesWithFirstDefinitionWinning()
    {
        var a = Write("a", """
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
            """);
        var b = Write("b", KubeConfig());

        var config = Load($"{a}{Path.PathSeparator}{b}");

        Assert.Equal("https://first:6443", config.Host); // dev-cluster from the first file wins
        Assert.Equal("prod-token", config.AccessToken); // prod-user only in the second file
        Assert.Equal("mixed", config.CurrentContext);
    }

    [Fact]
    public void Load_NoKubeconfigVariable_UsesHomeKubeConfig()
    {
        Write("home/.kube/config", KubeConfig(server: "https://home:6443"));

        var config = Load(kubeconfigVariable: null);

        Assert.Equal("https://home:6443", config.Host);
    }

    [Fact]
    public void Load_NothingAvailable_ThrowsExplainingWhereItLooked()
    {
        var ex = Assert.Throws<KubeConfigException>(() => Load(kubeconfigVariable: null));

        Assert.Contains("KUBECONFIG", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KUBERNETES_SERVICE_HOST", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromKubeConfigFiles_MissingFile_ThrowsNamingIt()
    {
        var path = Path.Combine(_dir, "nope");

        var ex = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.FromKubeConfigFiles([path]));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BasicAuthUser_SetsUsernameAndPassword()
    {
        var config = Load(Write("a", KubeConfig(user: "{username: admin, password: pw}")));

        Assert.Equal("admin", config.Username);
        Assert.Equal("pw", config.Password);
    }

    [Fact]
    public void Load_InlineCertificateData_LoadsClientCertificateAndAuthority()
    {
        var certs = TestCertificates.Instance;
        var user = $"{{client-certificate-data: {B64(certs.ClientCertificatePem)}, client-key-data: {B64(certs.ClientKeyPem)}}}";

        var config = Load(Write("a", KubeConfig(user: user, cluster: $"certificate-authority-data: {B64(certs.CaPem)}")));

        Assert.Equal(B64(certs.ClientCertificatePem), config.ClientCertificateData);
        Assert.Equal(certs.Ca.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
    }

    [Fact]
    public void Load_CertificateFilesInASecondMergedFile_AreResolvedAgainstThatFilesDirectory()
    {
        var certs = TestCertificates.Instance;
        var first = Write("first/config", "current-context: dev\n");
        var second = Write("second/config", KubeConfig(user: "{client-certificate: pki/client.crt, client-key: pki/client.key}", cluster: "certificate-authority: pki/ca.crt"));
        Write("second/pki/client.crt", certs.ClientCertificatePem);
        Write("second/pki/client.key", certs.ClientKeyPem);
        Write("second/pki/ca.crt", certs.CaPem);

        var config = Load($"{first}{Path.PathSeparator}{second}");

        Assert.Equal(Path.Combine(_dir, "second", "pki", "client.crt"), config.ClientCertificateFilePath);
        Assert.Equal(Path.Combine(_dir, "second", "pki", "client.key"), config.ClientKeyFilePath);
        Assert.Equal(certs.Ca.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
    }

    [Fact]
    public void Load_ExecPluginThatPrintsNoCredential_ThrowsNamingTheKubeconfig()
    {
        // The library runs the plugin while it builds the configuration (the integration tests run a working one).
        var user = """
            exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /usr/bin/true
            """;
        var path = Write("a", KubeConfig(user: user));

        var ex = Assert.Throws<KubeConfigException>(() => Load(path));

        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("exec", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidYaml_ThrowsNamingTheFile()
    {
        var path = Write("a", "clusters: [unclosed");

        var ex = Assert.Throws<KubeConfigException>(() => Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonKubeconfig_IsAccepted()
    {
        var json = """{"current-context":"c","clusters":[{"name":"k","cluster":{"server":"http://127.0.0.1:8080"}}],"contexts":[{"name":"c","context":{"cluster":"k"}}],"users":[]}""";

        var config = Load(Write("a", json));

        Assert.Equal("http://127.0.0.1:8080", config.Host);
        Assert.Null(config.AccessToken);
    }
}
