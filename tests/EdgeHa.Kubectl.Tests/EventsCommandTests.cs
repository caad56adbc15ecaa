using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

/// <summary><c>events</c> against the sandbox API server: listing, filtering to the pair's objects, and watching.</summary>
[Collection(SandboxCollection.Name)]
public sealed class EventsCommandTests(SandboxFixture sandbox)
{
    private const string Ns = "events-tests";

    private Task<Event> EmitAsync(string name, string kind, string obj, string reason, string note, DateTimeOffset time, string type = "Normal") =>
        sandbox.Client.CreateAsync(EventFormatterTests.Make(name, kind, obj, reason, note, time, type, Ns));

    [Fact]
    public async Task Events_Pair_OnlyItsObjectsOldestFirst()
    {
        var now = DateTimeOffset.UtcNow;
        await sandbox.CreatePairAsync(Ns, "line1");
        await sandbox.CreatePairAsync(Ns, "line2");
        await EmitAsync("line1.3", "RedundantPair", "line1", "Failover", "ipc-a -> ipc-b: ProbeFailed", now.AddMinutes(-1), "Warning");
        await EmitAsync("line1.1", "Deployment", "line1-ipc-a", "ScaledDown", "scaled to 0", now.AddMinutes(-3));
        await EmitAsync("line1.2", "Pod", "line1-ipc-b-5f7d-abcde", "Promoted", "role active, epoch 2", now.AddMinutes(-2));
        await EmitAsync("line2.1", "RedundantPair", "line2", "Paused", "paused", now.AddMinutes(-2));
        await EmitAsync("other.1", "Deployment", "unrelated", "ScaledUp", "scaled to 3", now.AddMinutes(-2));

        var result = await sandbox.RunAsync(["events", "line1", "-n", Ns], new FixedTime(now));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "LAST SEEN   TYPE      REASON       OBJECT                       MESSAGE\n" +
            "3m          Normal    ScaledDown   Deployment/line1-ipc-a       scaled to 0\n" +
            "2m          Normal    Promoted     Pod/line1-ipc-b-5f7d-abcde   role active, epoch 2\n" +
            "60s         Warning   Failover     RedundantPair/line1          ipc-a -> ipc-b: ProbeFailed\n",
            result.Stdout);
    }

    [Fact]
    public async Task Events_NoPair_EveryPairsEvents()
    {
        const string ns = "events-all";
        var now = DateTimeOffset.UtcNow;
        await sandbox.CreatePairAsync(ns, "a");
        await sandbox.CreatePairAsync(ns, "b");
        await sandbox.Client.CreateAsync(EventFormatterTests.Make("a.1", "RedundantPair", "a", "Paused", "paused a", now, ns: ns));
        await sandbox.Client.CreateAsync(EventFormatterTests.Make("b.1", "Service", "b-vip", "VipMoved", "announced by ipc-b", now, ns: ns));
        await sandbox.Client.CreateAsync(EventFormatterTests.Make("x.1", "Service", "kubernetes", "Other", "not ours", now, ns: ns));

        var result = await sandbox.RunAsync(["events", "-n", ns]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("paused a", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("announced by ipc-b", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not ours", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_PairWithoutEvents_NoteOnStderr()
    {
        await sandbox.CreatePairAsync(Ns, "quiet");

        var result = await sandbox.RunAsync(["events", "quiet", "-n", Ns]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("No events found for redundantpair events-tests/quiet.\n", result.Stderr);
    }

    [Fact]
    public async Task Events_Watch_PrintsNewMatchingEventsUntilCancelled()
    {
        await sandbox.CreatePairAsync(Ns, "watched");
        await EmitAsync("watched.1", "RedundantPair", "watched", "Created", "first", DateTimeOffset.UtcNow);
        var stdout = new LockedStringWriter();
        var stderr = new LockedStringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var run = PluginApp.RunAsync(["events", "watched", "-n", Ns, "--watch", "--kubeconfig", sandbox.KubeconfigPath], stdout, stderr, cancellationToken: stop.Token);

        await stdout.WaitForAsync("first", TimeSpan.FromSeconds(10));
        await EmitAsync("watched.x", "Deployment", "someone-else", "ScaledUp", "not for this pair", DateTimeOffset.UtcNow);
        await EmitAsync("watched.2", "Deployment", "watched-ipc-b", "ScaledUp", "second", DateTimeOffset.UtcNow);
        await stdout.WaitForAsync("second", TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, code);
        Assert.Equal("", stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("LAST SEEN", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("RedundantPair/watched   first", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("Deployment/watched-ipc-b   second", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_MissingPair_ExitOne()
    {
        var result = await sandbox.RunAsync(["events", "ghost", "-n", Ns]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: redundantpair \"ghost\" not found", result.Stderr, StringComparison.Ordinal);
    }
}
