using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

/// <summary><c>pause</c> / <c>resume</c> against the sandbox API server.</summary>
[Collection(SandboxCollection.Name)]
public sealed class PauseCommandTests(SandboxFixture sandbox)
{
    private const string Ns = "pause-tests";

    [Fact]
    public async Task PauseThenResume_SpecPausedFlips()
    {
        var created = await sandbox.CreatePairAsync(Ns, "maint");

        var paused = await sandbox.RunAsync(["pause", "maint", "-n", Ns]);
        var afterPause = await sandbox.GetPairAsync(Ns, "maint");
        var resumed = await sandbox.RunAsync(["resume", "maint", "-n", Ns]);
        var afterResume = await sandbox.GetPairAsync(Ns, "maint");

        Assert.Equal(0, paused.ExitCode);
        Assert.Equal("redundantpair.edgeha.io/maint paused: the operator takes no automatic action until: kubectl edgeha resume maint\n", paused.Stdout);
        Assert.True(afterPause.Spec.Paused);
        Assert.Equal(created.Metadata.Generation + 1, afterPause.Metadata.Generation);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal("redundantpair.edgeha.io/maint resumed: automatic failover and fail-back are active again\n", resumed.Stdout);
        Assert.False(afterResume.Spec.Paused);
    }

    [Fact]
    public async Task Pause_AlreadyPaused_NoChangeExitZero()
    {
        await sandbox.CreatePairAsync(Ns, "twice", p => p.Spec.Paused = true);
        var before = await sandbox.GetPairAsync(Ns, "twice");

        var result = await sandbox.RunAsync(["pause", "twice", "-n", Ns]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("redundantpair.edgeha.io/twice is already paused; nothing to change\n", result.Stdout);
        Assert.Equal(before.Metadata.ResourceVersion, (await sandbox.GetPairAsync(Ns, "twice")).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Resume_MissingPair_ExitOne()
    {
        var result = await sandbox.RunAsync(["resume", "ghost", "-n", Ns]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: redundantpair \"ghost\" not found in namespace \"pause-tests\"", result.Stderr, StringComparison.Ordinal);
    }
}
