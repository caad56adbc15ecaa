namespace EdgeHa.Agent.Tests;

/// <summary>The child's state as the watchdog reads it from its own thread, also while the agent shuts down.</summary>
public class ChildProcessTests
{
    [Fact]
    public async Task Disposed_IsNotRunningAndStopAndKillDoNothing()
    {
        var child = new ChildProcess("sleep", ["30"]);
        child.Start();
        Assert.True(child.IsRunning);

        child.Dispose();

        // The watchdog's timer may fire once more after the runner disposed the child: it must see "not running",
        // not an InvalidOperationException that would end the agent (this crashed a test host).
        Assert.False(child.IsRunning);
        Assert.Null(child.ProcessId);
        Assert.Null(child.LastExitCode);
        child.KillNow();
        await child.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
    }
}
