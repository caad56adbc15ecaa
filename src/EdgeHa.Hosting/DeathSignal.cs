using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeHa.Hosting;

/// <summary>
/// Starts child processes so that they die with their parent (the agent's collector; a test's programs with the
/// test host). The parent-death signal (PR_SET_PDEATHSIG, set by
/// util-linux <c>setpriv --pdeathsig KILL</c> in the child before it execs the collector) fires when the thread that
/// forked the child exits, not only the process: .NET forks on the calling thread, and thread-pool threads retire
/// when idle, so every child is forked from one dedicated thread that lives as long as the agent.
/// </summary>
public static class DeathSignal
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];

    static DeathSignal()
    {
        Wrapper = OperatingSystem.IsLinux() ? FindSetpriv() : null;
        var launcher = new Thread(LaunchLoop) { IsBackground = true, Name = "child launcher" };
        launcher.Start();
    }

    /// <summary>The setpriv binary, or null where there is none (the child then only dies with a clean parent exit).</summary>
    public static string? Wrapper { get; }

    public static IReadOnlyList<string> WrapperArguments { get; } = ["--pdeathsig", "KILL", "--"];

    /// <summary>
    /// Starts <paramref name="info"/> under the wrapper (when there is one) on the launcher thread and returns the
    /// running process; setpriv execs the program, so the process id is the program's.
    /// </summary>
    public static Process Launch(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (Wrapper is not null)
        {
            info.ArgumentList.Insert(0, info.FileName);
            for (var i = WrapperArguments.Count - 1; i >= 0; i--)
            {
                info.ArgumentList.Insert(0, WrapperArguments[i]);
            }

            info.FileName = Wrapper;
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task.GetAwaiter().GetResult();
    }

    private static void LaunchLoop()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}"));
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                started.SetException(e);
            }
        }
    }

    private static string? FindSetpriv() =>
        new[] { "/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv" }.FirstOrDefault(File.Exists);
}
