using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>
/// Runs each container as a local process: the image is mapped to a command by <see cref="ImageMap"/>, the container's
/// command and args are appended, the pod environment is set, stdout/stderr go to the pod's log file. Stopping sends
/// SIGTERM and kills the whole process tree after the grace period; a crash kills the tree at once.
/// </summary>
public sealed partial class ProcessPodRuntime : IPodRuntime
{
    private const int SigTerm = 15;
    private readonly ProcessPodRuntimeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ProcessPodRuntime(ProcessPodRuntimeOptions options, TimeProvider? timeProvider = null, ILogger<ProcessPodRuntime>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The log file of a pod.</summary>
    public string LogPath(string @namespace, string podName) => Path.Combine(_options.LogDirectory, $"{@namespace}_{podName}.log");

    public IRunningPod Start(PodLaunch launch, Action? changed = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var log = new PodLogWriter(LogPath(launch.Namespace, launch.Name), _time);
        var pod = new SupervisedPod(launch, (p, c, ct) => Task.FromResult<IContainerInstance>(StartContainer(p, c, log)), _options.Backoff, _time, _logger, changed);
        return new LoggedPod(pod, log);
    }

    /// <summary>The command line a container runs as: the mapped entrypoint, then the container's command and args.</summary>
    public IReadOnlyList<string> CommandLine(ContainerLaunch container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var mapped = _options.Images.Resolve(container.Image)
            ?? throw ContainerStartException.ImageNotFound(container.Image, $"map it in the sandbox image map (known: {string.Join(", ", _options.Images.Images.Order(StringComparer.Ordinal))})");
        List<string> argv = mapped.FileName is null ? [] : [mapped.FileName, .. mapped.Args];
        argv.AddRange(container.Command);
        argv.AddRange(container.Args);
        if (argv.Count == 0)
        {
            throw new ContainerStartException("RunContainerError", $"image \"{container.Image}\" has no entrypoint and the container gives no command", retryable: false);
        }

        return argv;
    }

    private ProcessInstance StartContainer(PodLaunch pod, ContainerLaunch container, PodLogWriter log)
    {
        var argv = CommandLine(container);
        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = _options.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        if (!_options.InheritEnvironment)
        {
            info.Environment.Clear();
        }

        foreach (var (name, value) in container.Environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => log.Write(container.Name, "stdout", e.Data);
        process.ErrorDataReceived += (_, e) => log.Write(container.Name, "stderr", e.Data);
        process.Exited += (_, _) => exited.TrySetResult(SafeExitCode(process));
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new ContainerStartException("RunContainerError", $"cannot start \"{argv[0]}\" for image \"{container.Image}\": {ex.Message}", retryable: true, ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.Write(container.Name, "sandbox", $"started pid {process.Id}: {string.Join(' ', argv)}");
        Log.ContainerStarted(_logger, pod.Namespace, pod.Name, container.Name, process.Id, pod.PodIP);
        return new ProcessInstance(process, exited.Task, _time);
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    private sealed class ProcessInstance(Process process, Task<int> exited, TimeProvider time) : IContainerInstance
    {
        public Task<int> Exited => exited;

        public async ValueTask KillAsync()
        {
            KillTree();
            await ReapAsync();
        }

        public async ValueTask StopAsync(TimeSpan grace)
        {
            if (!HasExited())
            {
                if (OperatingSystem.IsWindows())
                {
                    KillTree();
                }
                else
                {
                    _ = SysKill(process.Id, SigTerm);
                    try
                    {
                        await exited.WaitAsync(grace, time);
                    }
                    catch (TimeoutException)
                    {
                        // did not stop in time: killed below
                    }
                }
            }

            KillTree();
            await ReapAsync();
        }

        /// <summary>Waits briefly for the exit to be observed, then frees the process handle.</summary>
        private async Task ReapAsync()
        {
            try
            {
                await exited.WaitAsync(TimeSpan.FromSeconds(2), time);
                process.Dispose();
            }
            catch (TimeoutException)
            {
                // a process that ignores SIGKILL cannot be helped; its handle stays
            }
        }

        private bool HasExited()
        {
            try
            {
                return process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }

        private void KillTree()
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            catch (Win32Exception)
            {
                // raced with its exit
            }
        }
    }

    private sealed class LoggedPod(SupervisedPod pod, PodLogWriter log) : IRunningPod
    {
        public IReadOnlyList<ContainerRuntimeStatus> Containers => pod.Containers;

        public async ValueTask KillAsync()
        {
            await pod.KillAsync();
            log.Dispose();
        }

        public async ValueTask StopAsync(TimeSpan grace)
        {
            await pod.StopAsync(grace);
            log.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await pod.DisposeAsync();
            log.Dispose();
        }
    }
}
