using System.Text.Json;
using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

/// <summary><c>status</c> against the sandbox API server over HTTPS, with statuses written through /status.</summary>
[Collection(SandboxCollection.Name)]
public sealed class StatusCommandTests(SandboxFixture sandbox)
{
    private const string Ns = "status-tests";

    [Fact]
    public async Task Status_OnePair_ShowsEverythingTheStatusSays()
    {
        var now = DateTimeOffset.UtcNow;
        await sandbox.CreatePairAsync(Ns, "line1");
        await sandbox.WriteStatusAsync(Ns, "line1", Pairs.FailedOver(now));

        var result = await sandbox.RunAsync(["status", "line1", "-n", Ns], new FixedTime(now));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        string[] expected =
        [
            "Name:                line1\n",
            "Namespace:           status-tests\n",
            "Phase:               Degraded\n",
            "Active node:         ipc-b\n",
            "Epoch:               4\n",
            "Standby mode:        Hot\n",
            "  ipc-a   Standby   True    False     7          -          1s ago       GET /healthz: connection refused\n",
            "VIP:                 192.168.10.50 (MetalLB), announced by ipc-b\n",
            "Last failover:       5m12s ago\n",
            "  Reason:            ProbeFailed\n",
            "  Detection:         3.012s\n",
            "  Switch:            84ms\n",
            "Failover count:      3\n",
            "Predicted failover:  3.5s\n",
            "  Degraded             True     StandbyUnhealthy   5m12s   ipc-a fails its health check\n",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Status_NoPair_TableOfNamespace()
    {
        const string ns = "status-table";
        await sandbox.CreatePairAsync(ns, "alpha");
        await sandbox.CreatePairAsync(ns, "beta");
        var now = DateTimeOffset.UtcNow;
        await sandbox.WriteStatusAsync(ns, "beta", Pairs.FailedOver(now));

        var result = await sandbox.RunAsync(["status", "--namespace", ns], new FixedTime(now));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("NAME    PHASE      ACTIVE   PRIMARY   STANDBY   MODE   VIP             READY   EPOCH   FAILOVERS   LAST FAILOVER           AGE", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("alpha   -          -        ipc-a     ipc-b     Hot    -               -       -       0           -", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("beta    Degraded   ipc-b    ipc-a     ipc-b     Hot    192.168.10.50   True    4       3           ProbeFailed 5m12s ago", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AllNamespacesJson_ItemsFromEveryNamespace()
    {
        await sandbox.CreatePairAsync("status-json-a", "one");
        await sandbox.CreatePairAsync("status-json-b", "two");

        var result = await sandbox.RunAsync(["status", "-A", "-o", "json"]);

        Assert.Equal(0, result.ExitCode);
        var items = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("namespace").GetString()}/{i.GetProperty("name").GetString()}").ToList();
        Assert.Contains("status-json-a/one", items);
        Assert.Contains("status-json-b/two", items);
    }

    [Fact]
    public async Task Status_WithoutNamespaceFlag_UsesContextNamespace()
    {
        await sandbox.CreatePairAsync("default", "in-default");

        var result = await sandbox.RunAsync(["status", "in-default"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Namespace:           default\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_EmptyNamespace_NoteOnStderrExitZero()
    {
        var result = await sandbox.RunAsync(["status", "-n", "nothing-here"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("No RedundantPairs found in namespace \"nothing-here\".\n", result.Stderr);
    }

    [Fact]
    public async Task Status_MissingPair_ExitOneWithHint()
    {
        var result = await sandbox.RunAsync(["status", "nope", "-n", Ns]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: redundantpair \"nope\" not found in namespace \"status-tests\"; list the pairs with: kubectl edgeha status -n status-tests\n", result.Stderr);
    }
}

/// <summary>A clock that stands still (ages in output are then exact).</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
