using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Demo.Tests;

/// <summary>
/// A fact that needs the real pieces the demo composes, working: the collector, the device simulator and the operator
/// built (the test project builds them through its reference to the demo); the collector's lease-based role (issue 5:
/// its usage mentions the lease); and the sandbox API server delivering one change to two watchers at once (the
/// operator and the simulated nodes watch the same kinds). Skipped, with the missing piece named, otherwise.
/// </summary>
public sealed class DemoPiecesFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(MissingPieces);

    public DemoPiecesFactAttribute()
    {
        if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>The configuration the tests were built in (the programs are looked up in the same one first).</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string? MissingPieces()
    {
        var layout = RepoFiles.Layout;
        var missing = new[] { "EdgeHa.Collector", "EdgeHa.ModbusSimulator", "EdgeHa.Operator" }
            .Where(p => layout.ProgramDll(p, Configuration) is null)
            .ToList();
        if (missing.Count > 0)
        {
            return $"needs {string.Join(", ", missing)} built (dotnet build src/EdgeHa.Demo)";
        }

        var usage = Run("dotnet", [layout.ProgramDll("EdgeHa.Collector", Configuration)!, "--help"]);
        if (!usage.Contains("lease", StringComparison.OrdinalIgnoreCase))
        {
            return "the collector has no lease-based role yet (its --help does not mention the pair lease); without it no switch is ever confirmed";
        }

        return WatchFanOutProblem();
    }

    private static string Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
        }

        return stdout.Result + stderr.Result;
    }

    /// <summary>Null when two watchers of one kind both receive a change; otherwise what went wrong.</summary>
    private static string? WatchFanOutProblem() => Task.Run(async () =>
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var server = await SandboxApiServer.StartAsync(new SandboxApiServerOptions { Port = 0, UseHttps = false }, null, cts.Token);
        using var http = server.CreateHttpClient();
        var path = "/api/v1/namespaces/default/configmaps?watch=1";
        using var w1 = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var w2 = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var body = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"probe"}}""", Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (await http.PostAsync("/api/v1/namespaces/default/configmaps", body, cts.Token)).EnsureSuccessStatusCode();
        foreach (var w in new[] { w1, w2 })
        {
            using var reader = new StreamReader(await w.Content.ReadAsStreamAsync(cts.Token));
            using var lineLimit = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            lineLimit.CancelAfter(TimeSpan.FromSeconds(5));
            string? line;
            try
            {
                line = await reader.ReadLineAsync(lineLimit.Token);
            }
            catch (OperationCanceledException)
            {
                line = null;
            }

            if (line is null || !line.Contains("\"ADDED\"", StringComparison.Ordinal))
            {
                return "the sandbox API server does not deliver a change to a second watcher of the same kind "
                    + "(ApiRequestHandler.Present mutates and re-parents the shared StoredEvent object: \"The node already has a parent\"); "
                    + "the operator's and the simulated nodes' informers then never see changes";
            }
        }

        return null;
    }).GetAwaiter().GetResult();
}
