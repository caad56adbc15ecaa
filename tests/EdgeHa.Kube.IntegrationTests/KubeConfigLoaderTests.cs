using EdgeHa.Kube.Config;
using EdgeHa.Kube.IntegrationTests.Support;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kube.IntegrationTests;

/// <summary>Kubeconfigs written by the sandbox, loaded by <see cref="KubeConfigLoader"/>, used against it over HTTPS.</summary>
public sealed class KubeConfigLoaderTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private readonly TestSandbox _sandbox = fixture.Sandbox;

    [Fact]
    public async Task FromKubeConfigFiles_TokenAndCaData_ClientTalksToSandbox()
    {
        using var guard = Eventually.Guard();
        var path = Path.Combine(_sandbox.Directory, TestSandbox.UniqueName("token"));
        _sandbox.Server.WriteKubeconfig(path, contextNamespace: "kube-system");

        var config = KubeConfigLoader.FromKubeConfigFiles([path]);
        using var client = TestSandbox.NewClient(config);

        Assert.Equal(_sandbox.Server.Token, config.AccessToken);
        Assert.NotEmpty(config.SslCaCerts);
        Assert.Null(config.ClientCertificateData);
        Assert.Equal("kube-system", client.DefaultNamespace);
        var ns = await client.GetAsync<Namespace>("kube-system", cancellationToken: guard.Token);
        Assert.Equal("kube-system", ns.Metadata.Name);
        // The context namespace is the default for namespaced calls.
        var created = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = TestSandbox.UniqueName("ctx") } }, guard.Token);
        Assert.Equal("kube-system", created.Metadata.Namespace);
    }

    [Fact]
    public async Task FromKubeConfigFiles_ClientCertificate_AuthenticatesWithoutToken()
    {
        using var guard = Eventually.Guard();
        var path = Path.Combine(_sandbox.Directory, TestSandbox.UniqueName("cert"));
        _sandbox.Server.WriteKubeconfig(path, clientCertificate: true);

        var config = KubeConfigLoader.FromKubeConfigFiles([path]);
        using var client = TestSandbox.NewClient(config);

        Assert.Null(config.AccessToken);
        Assert.NotNull(config.ClientCertificateData);
        Assert.NotNull(config.ClientCertificateKeyData);
        var list = await client.ListAsync<Namespace>(cancellationToken: guard.Token);
        Assert.Contains(list.Items, n => n.Metadata.Name == "default");
    }

    [Fact]
    public async Task FromKubeConfigFiles_WrongToken_ThrowsUnauthorizedWithStatus()
    {
        using var guard = Eventually.Guard();
        var path = Path.Combine(_sandbox.Directory, TestSandbox.UniqueName("wrong"));
        File.WriteAllText(path, _sandbox.Server.KubeconfigYaml().Replace(_sandbox.Server.Token, "not-the-token", StringComparison.Ordinal));
        using var client = TestSandbox.NewClient(KubeConfigLoader.FromKubeConfigFiles([path]));

        var ex = await Assert.ThrowsAsync<UnauthorizedException>(() => client.GetAsync<Namespace>("default", cancellationToken: guard.Token));

        Assert.Equal(401, ex.Code);
        Assert.Equal("Unauthorized", ex.Reason);
        Assert.Equal("Failure", ex.Status.Outcome);
    }

    [Fact]
    public async Task FromKubeConfigFiles_ExecCredentialPlugin_ItsTokenSignsTheRequests()
    {
        // As cloud kubeconfigs do (aws eks get-token, gke-gcloud-auth-plugin): a program prints the ExecCredential.
        using var guard = Eventually.Guard();
        var plugin = Path.Combine(_sandbox.Directory, TestSandbox.UniqueName("credential-plugin"));
        var calls = plugin + ".calls";
        File.WriteAllText(plugin, $$$"""
            #!/bin/sh
            echo call >> '{{{calls}}}'
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$SANDBOX_TOKEN"
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var ca = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_sandbox.Server.CaCertificatePem!));
        var path = Path.Combine(_sandbox.Directory, TestSandbox.UniqueName("exec"));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: sandbox
            clusters:
            - name: sandbox
              cluster:
                server: {_sandbox.Server.Url}
                certificate-authority-data: {ca}
            users:
            - name: plugin-user
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {plugin}
                  interactiveMode: Never
                  env:
                  - name: SANDBOX_TOKEN
                    value: {_sandbox.Server.Token}
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: plugin-user
            """);
        using var client = TestSandbox.NewClient(KubeConfigLoader.FromKubeConfigFiles([path]));

        var ns = await client.GetAsync<Namespace>("default", cancellationToken: guard.Token);

        Assert.Equal("default", ns.Metadata.Name);
        Assert.True(File.ReadAllLines(calls).Length >= 1);
    }

    [Fact]
    public async Task FromKubeConfigFiles_CaOfAnotherServer_RejectsServerCertificate()
    {
        using var guard = Eventually.Guard();
        await using var other = await TestSandbox.StartAsync();
        var path = Path.Combine(_sandbox.Directory, TestSandbox.UniqueName("otherca"));
        // Our server's address and token, but the other sandbox's CA.
        var otherCa = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(other.Server.CaCertificatePem!));
        var ownCa = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_sandbox.Server.CaCertificatePem!));
        File.WriteAllText(path, _sandbox.Server.KubeconfigYaml().Replace(ownCa, otherCa, StringComparison.Ordinal));
        using var client = TestSandbox.NewClient(KubeConfigLoader.FromKubeConfigFiles([path]));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync<Namespace>("default", cancellationToken: guard.Token));

        Assert.Equal(HttpRequestError.SecureConnectionError, ex.HttpRequestError);
    }
}
