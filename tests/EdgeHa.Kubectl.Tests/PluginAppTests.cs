using EdgeHa.Kubectl.Tests.Support;
using EdgeHa.Sandbox.ApiServer;
using EdgeHa.TestSupport;

namespace EdgeHa.Kubectl.Tests;

/// <summary>From arguments to exit code: usage errors, help, version, and failures turned into messages.</summary>
[Collection(SandboxCollection.Name)]
public sealed class PluginAppTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task Run_UsageError_ExitTwoWithHint()
    {
        var result = await SandboxFixture.RunWithAsync(["status", "a", "b"], NoClient);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("error: status takes at most one PAIR name, got 2: \"a\", \"b\"\nRun 'kubectl edgeha status --help' for usage.\n", result.Stderr);
    }

    [Fact]
    public async Task Run_NoArguments_ExitTwo()
    {
        var result = await SandboxFixture.RunWithAsync([], NoClient);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: no command given\nRun 'kubectl edgeha --help' for usage.\n", result.Stderr);
    }

    [Fact]
    public async Task Run_Version_PrintsVersion()
    {
        var result = await SandboxFixture.RunWithAsync(["--version"], NoClient);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("kubectl-edgeha 0.1.0\n", result.Stdout);
    }

    [Theory]
    [InlineData(new[] { "--help" }, "Usage:\n  kubectl edgeha COMMAND [PAIR] [flags]\n")]
    [InlineData(new[] { "help", "switchover" }, "    failover:\n      switchoverTo: ipc-b\n")]
    [InlineData(new[] { "pause", "--help" }, "  spec:\n    paused: true\n")]
    [InlineData(new[] { "status", "-h" }, "  -o, --output FORMAT         Output format: table (default) or json\n")]
    public async Task Run_Help_PrintsPageWithoutClient(string[] args, string expected)
    {
        var result = await SandboxFixture.RunWithAsync(args, NoClient);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KubeconfigMissing_ExitOneSaysWhatToDo()
    {
        var result = await SandboxFixture.RunWithAsync(["status", "--kubeconfig", "/nonexistent/kubeconfig"], null);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: no usable kubeconfig: /nonexistent/kubeconfig: the kubeconfig file does not exist.", result.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("Point to one with --kubeconfig FILE or the KUBECONFIG variable, and choose a context with --context NAME.\n", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownContext_ExitOne()
    {
        var result = await sandbox.RunAsync(["status", "--context", "prod"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("prod not found in contexts", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ServerUnreachable_ExitOneNamesServer()
    {
        var port = FreePort.Next();
        var path = Path.Combine(sandbox.Directory, "unreachable.kubeconfig");
        await File.WriteAllTextAsync(path, sandbox.Server.KubeconfigYaml().Replace(sandbox.Server.Url.GetLeftPart(UriPartial.Authority), $"https://127.0.0.1:{port}", StringComparison.Ordinal));

        var result = await SandboxFixture.RunWithAsync(["status", "--kubeconfig", path], null);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: cannot reach https://127.0.0.1:{port}: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WrongToken_ExitOneCredentials()
    {
        var path = Path.Combine(sandbox.Directory, "badtoken.kubeconfig");
        await File.WriteAllTextAsync(path, sandbox.Server.KubeconfigYaml().Replace(sandbox.Server.Token, "wrong-token", StringComparison.Ordinal));

        var result = await SandboxFixture.RunWithAsync(["status", "--kubeconfig", path], null);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: the API server did not accept the credentials of the kubeconfig", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CrdNotInstalled_ExitOneSaysInstallIt()
    {
        await using var bare = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0 });
        var path = Path.Combine(sandbox.Directory, "bare.kubeconfig");
        bare.WriteKubeconfig(path);

        var result = await SandboxFixture.RunWithAsync(["status", "line1", "--kubeconfig", path], null);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "error: the API server does not serve redundantpairs.edgeha.io/v1alpha1: is the Edge HA operator installed? "
            + "Install the CRD with: kubectl apply -f crds/edgeha.io_redundantpairs.yaml\n",
            result.Stderr);
    }

    private static Kube.IKubernetesClient NoClient(Cli.Invocation invocation) =>
        throw new InvalidOperationException("help, version and usage errors must not need a client");
}
