using System.Diagnostics;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests;

/// <summary>Skips when kubectl or jq is not installed (CI installs them), with the reason in the test output.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        var missing = new[] { "kubectl", "jq", "setsid" }.Where(t => !OnPath(t)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"needs {string.Join(", ", missing)} on PATH";
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));
}

/// <summary>Runs tests/kubectl/kubectl-sandbox.sh against the sandbox built with this test project.</summary>
public sealed class KubectlSandboxScriptTests
{
    [KubectlFact]
    public async Task Script_AgainstSandbox_AllStepsPass()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "tests", "kubectl", "kubectl-sandbox.sh")))
        {
            root = Path.GetDirectoryName(root);
        }

        Assert.NotNull(root);
        var sandboxDll = typeof(SandboxApiServer).Assembly.Location;
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "tests", "kubectl", "kubectl-sandbox.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["SANDBOX_CMD"] = $"dotnet {sandboxDll}" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Matches(@"\d+ passed, 0 failed", output);
    }
}
