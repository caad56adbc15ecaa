using System.Diagnostics;
using EdgeHa.Operator.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Operator.Tests;

/// <summary>Skips when the pinned helm (scripts/install-helm.sh, which `make test` runs first) or kubectl is missing.</summary>
public sealed class ChartToolsFactAttribute : FactAttribute
{
    public ChartToolsFactAttribute()
    {
        if (OperatorUnderChartRbacTests.Helm() is null)
        {
            Skip = "needs helm: scripts/install-helm.sh (or EDGEHA_HELM=/path/to/helm)";
        }
        else if (OperatorUnderChartRbacTests.Kubectl() is null)
        {
            Skip = "needs kubectl on PATH or in .tools/bin";
        }
    }
}

/// <summary>
/// The operator with exactly the RBAC the chart installs, rendered by the real helm and applied by the real kubectl,
/// on a sandbox that enforces it: it runs under its own ServiceAccount's token with leader election, places a pair and fails it over, and
/// the sandbox refused none of its requests. A permission the operator needs but the chart lacks fails here. The
/// collectors run as the pair's own ServiceAccount, with only the Role the operator made for it.
/// </summary>
public sealed class OperatorUnderChartRbacTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Release = "edge-ha-operator";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);
    private static readonly CancellationTokenSource Timeout = new(TimeSpan.FromMinutes(3));
    private TestCluster _cluster = null!;

    private static CancellationToken Ct => Timeout.Token;

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(Ct, LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Information)), authorizeWithRbac: true);

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Assert.Empty(_cluster.Acting.Overlaps());
    }

    [ChartToolsFact]
    public async Task ChartRbacOnly_TheOperatorPlacesAndFailsOverAPairWithNoRequestRefused()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"edgeha-chart-rbac-{Guid.NewGuid():N}.yaml");
        try
        {
            _cluster.Server.WriteKubeconfig(kubeconfig, TestCluster.Namespace);
            var manifests = await RunAsync(Helm()!, ["template", Release, ChartPath(), "--namespace", TestCluster.Namespace, "--set", $"watchNamespace={TestCluster.Namespace}",
                "--show-only", "templates/serviceaccount.yaml", "--show-only", "templates/rbac.yaml"], stdin: null, kubeconfig);
            await RunAsync(Kubectl()!, ["create", "namespace", "kube-node-lease", "--dry-run=client", "-o", "yaml"], null, kubeconfig)
                .ContinueWith(t => RunAsync(Kubectl()!, ["apply", "-f", "-"], t.Result, kubeconfig), Ct).Unwrap();
            await RunAsync(Kubectl()!, ["apply", "-f", "-"], manifests, kubeconfig);
        }
        finally
        {
            File.Delete(kubeconfig);
        }

        var token = _cluster.Server.IssueServiceAccountToken(TestCluster.Namespace, Release);
        _cluster.RunCollectorsAsTheirServiceAccount(); // the account and Role the operator makes for them, nothing else
        await _cluster.StartOperatorAsync(Ct, leaderElect: true, accessToken: token);
        await _cluster.CreatePairAsync(_cluster.NewPair(), Ct);
        await _cluster.WaitForPairAsync("line1", p => p.Status?.ActiveNode == TestCluster.NodeA && p.Status.Epoch >= 1, Settle, "first placement under the chart's RBAC", Ct);

        _cluster.Nodes[TestCluster.NodeA].Health = HealthMode.Failing;
        await _cluster.WaitForPairAsync("line1", p => p.Status?.ActiveNode == TestCluster.NodeB, Settle, "failover under the chart's RBAC", Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // the Events and status writes that follow the switch

        var refused = _cluster.Server.Denials.Where(d => d.Contains($"system:serviceaccount:{TestCluster.Namespace}:{Release}", StringComparison.Ordinal)
            || d.Contains($"system:serviceaccount:{TestCluster.Namespace}:line1-collector", StringComparison.Ordinal)).ToList();
        Assert.True(refused.Count == 0, "the sandbox refused the operator or the collectors:\n" + string.Join('\n', refused.Distinct()));
    }

    internal static string? Helm() =>
        Environment.GetEnvironmentVariable("EDGEHA_HELM") is { Length: > 0 } helm && File.Exists(helm) ? helm : InTools("helm");

    internal static string? Kubectl() =>
        InTools("kubectl") ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);

    private static string? InTools(string tool) => RepoRoot() is { } root && File.Exists(Path.Combine(root, ".tools", "bin", tool)) ? Path.Combine(root, ".tools", "bin", tool) : null;

    private static string ChartPath() => Path.Combine(RepoRoot()!, "charts", "edge-ha-operator");

    private static string? RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "EdgeHaOperator.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir;
    }

    private static async Task<string> RunAsync(string tool, string[] args, string? stdin, string kubeconfig)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["KUBECONFIG"] = kubeconfig } };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(tool)} {string.Join(' ', args)}: exit {process.ExitCode}\n{await stderr}");
        return await stdout;
    }
}
