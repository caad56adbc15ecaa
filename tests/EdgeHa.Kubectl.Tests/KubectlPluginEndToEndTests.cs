using System.Diagnostics;
using EdgeHa.Kubectl.Tests.Support;
using Xunit.Abstractions;

namespace EdgeHa.Kubectl.Tests;

/// <summary>Skips when kubectl is not installed (CI installs it), with the reason in the test output.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "kubectl"))))
        {
            Skip = "needs kubectl on PATH";
        }
    }
}

/// <summary>
/// The plugin as users run it: published and installed by scripts/install-kubectl-plugin.sh, found by the real
/// kubectl on PATH as `kubectl edgeha`, talking to the sandbox API server.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class KubectlPluginEndToEndTests(SandboxFixture sandbox, ITestOutputHelper output)
{
    private const string Ns = "e2e";

    [KubectlFact]
    public async Task KubectlEdgeha_InstalledPlugin_StatusSwitchoverPause()
    {
        var bin = Path.Combine(sandbox.Directory, "bin");
        var app = Path.Combine(sandbox.Directory, "app");
        // The test's own build produced the plugin (Debug): publish that without building again.
        var install = await RunAsync("bash", [RepoPaths.Installer, "--no-build", "--configuration", Configuration, "--prefix", app, bin], bin, isolateHome: false);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(File.Exists(Path.Combine(bin, "kubectl-edgeha")), install.ToString());

        await sandbox.CreatePairAsync(Ns, "line1");
        await sandbox.WriteStatusAsync(Ns, "line1", Pairs.Healthy(DateTimeOffset.UtcNow));

        var plugins = await RunAsync("kubectl", ["plugin", "list"], bin);
        Assert.Contains(Path.Combine(bin, "kubectl-edgeha"), plugins.Stdout, StringComparison.Ordinal);

        var status = await RunAsync("kubectl", ["edgeha", "status", "line1", "-n", Ns], bin);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Active node:         ipc-a\n", status.Stdout, StringComparison.Ordinal);

        var refused = await RunAsync("kubectl", ["edgeha", "switchover", "line1", "--to", "ipc-a", "-n", Ns], bin);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("ipc-a is already the active node", refused.Stderr, StringComparison.Ordinal);

        var usage = await RunAsync("kubectl", ["edgeha", "switchover", "line1", "-n", Ns], bin);
        Assert.True(usage.ExitCode == 2, usage.ToString());

        var switched = await RunAsync("kubectl", ["edgeha", "switchover", "line1", "--to", "ipc-b", "-n", Ns], bin);
        Assert.True(switched.ExitCode == 0, switched.ToString());
        var paused = await RunAsync("kubectl", ["edgeha", "pause", "line1", "-n", Ns], bin);
        Assert.True(paused.ExitCode == 0, paused.ToString());

        // kubectl itself sees what the plugin wrote: a plain spec change.
        var spec = await RunAsync("kubectl", ["get", "rp", "line1", "-n", Ns, "-o", "jsonpath={.spec.failover.switchoverTo} {.spec.paused}"], bin);
        Assert.Equal("ipc-b true", spec.Stdout);
    }

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    // kubectl runs with its own HOME so its discovery cache stays out of the user's ~/.kube.
    private async Task<CliResult> RunAsync(string file, string[] args, string bin, bool isolateHome = true)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["KUBECONFIG"] = sandbox.KubeconfigPath,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            },
        };
        if (isolateHome)
        {
            start.Environment["HOME"] = sandbox.Directory;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.WriteLine($"{watch.ElapsedMilliseconds,6} ms  {file} {string.Join(' ', args)}");
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
