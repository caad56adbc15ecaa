using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using EdgeHa.Hosting;

namespace EdgeHa.TestSupport;

/// <summary>
/// One of the project's programs run as a real process (<c>dotnet Program.dll ...</c>, the build output a test project
/// copies next to itself), so a test can send it real signals and see its real exit code. Killed with its process
/// tree when disposed, so nothing outlives a failed test.
/// </summary>
public sealed partial class ProgramProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private ProgramProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output and error so far, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_outputGate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="assembly"/> (a file name in the test's output directory) under the dotnet host, with
    /// <paramref name="environment"/> set and the variables in <paramref name="unset"/> removed from what it inherits.
    /// </summary>
    public static ProgramProcess Start(string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? unset = null)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        foreach (var key in unset ?? [])
        {
            info.Environment.Remove(key);
        }

        // Under the parent-death signal: a test host that crashes takes its programs with it instead of leaving
        // them to load the machine for the rest of the run.
        var process = DeathSignal.Launch(info);
        var program = new ProgramProcess(process);
        process.OutputDataReceived += (_, e) => program.Append(e.Data);
        process.ErrorDataReceived += (_, e) => program.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Sends a real POSIX signal (kill(2)), as kubelet does when it stops a container.</summary>
    public void Signal(PosixSignal signal) => Signal(_process.Id, signal);

    /// <summary>Sends a real POSIX signal (kill(2)) to any process, e.g. a peer such as mosquitto that a test started.</summary>
    public static void Signal(int pid, PosixSignal signal)
    {
        var number = signal switch
        {
            PosixSignal.SIGTERM => 15,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "only the shutdown signals"),
        };
        if (Kill(pid, number) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {number}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>SIGKILL to this process alone (not its children): a crash that leaves it no chance to clean up.</summary>
    public void KillAbruptly()
    {
        if (Kill(_process.Id, 9) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, 9) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; false when the process exited or the time ran out.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return false;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            _output.AppendLine(line);
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
