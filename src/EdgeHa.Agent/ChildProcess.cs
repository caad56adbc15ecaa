using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeHa.Hosting;

namespace EdgeHa.Agent;

/// <summary>
/// The wrapped collector's process: started while the lease is held, stopped gracefully (SIGTERM, then SIGKILL
/// after a grace period) on a planned handover, and killed at once when the holding runs out.
/// </summary>
internal sealed partial class ChildProcess(string fileName, IReadOnlyList<string> arguments) : IDisposable
{
    private const int SigTerm = 15;
    private Process? _process;

    /// <summary>True while the process runs (false once disposed: the watchdog may still look after that).</summary>
    public bool IsRunning => Exited(_process) == false;

    /// <summary>The running process's id, or null.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>How many times the process was started.</summary>
    public int Starts { get; private set; }

    /// <summary>When the running (or last) process was started, on <see cref="TimeProvider.System"/>'s timestamp clock.</summary>
    public long StartedAt { get; private set; }

    /// <summary>The exit code of the last process once it has exited, else null.</summary>
    public int? LastExitCode => _process is { } p && Exited(p) == true ? p.ExitCode : null;

    /// <summary>
    /// Starts the process unless it runs already. Its output goes to ours. On Linux it is started through
    /// <c>setpriv --pdeathsig KILL</c>, so the kernel kills it if the agent dies without a chance to (SIGKILL, OOM
    /// kill): a collector must never outlive the agent that fences it.
    /// </summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        // Forget the old process before launching: a launch that throws must not leave a disposed one behind.
        var old = _process;
        _process = null;
        old?.Dispose();
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _process = DeathSignal.Launch(info);
        StartedAt = TimeProvider.System.GetTimestamp();
        Starts++;
    }

    /// <summary>Asks the process to stop (SIGTERM), waits up to <paramref name="grace"/>, then kills the whole tree.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var process = _process;
        if (process is null || Exited(process) != false)
        {
            return;
        }

        if (grace > TimeSpan.Zero && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            _ = Kill(process.Id, SigTerm);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(grace);
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                // Grace period over (or the caller gave up): kill below.
            }
        }

        KillNow();
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Kills the process tree at once (the holding ran out: no time for a graceful stop).</summary>
    public void KillNow()
    {
        var process = _process;
        if (process is not null && Exited(process) == false)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
    }

    public void Dispose()
    {
        KillNow();
        var process = _process;
        _process = null;
        process?.Dispose();
    }

    /// <summary>Whether the process has exited; null when there is none (never started, or disposed meanwhile).</summary>
    private static bool? Exited(Process? process)
    {
        if (process is null)
        {
            return null;
        }

        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            // Disposed by another thread between the read of the field and this call.
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
