using Microsoft.Extensions.Logging;

namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>
/// The kubelet's per-pod container loop shared by the runtimes: start each container, watch it, restart it with
/// backoff when it exits (restartPolicy Always), and report its state.
/// </summary>
internal sealed class SupervisedPod : IRunningPod
{
    private readonly PodLaunch _launch;
    private readonly Func<PodLaunch, ContainerLaunch, CancellationToken, Task<IContainerInstance>> _start;
    private readonly RestartBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action? _changed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly ContainerRuntimeStatus[] _status;
    private readonly IContainerInstance?[] _instances;
    private readonly Task[] _loops;
    private int _stopped;

    public SupervisedPod(
        PodLaunch launch,
        Func<PodLaunch, ContainerLaunch, CancellationToken, Task<IContainerInstance>> start,
        RestartBackoff backoff,
        TimeProvider time,
        ILogger logger,
        Action? changed,
        IReadOnlyDictionary<string, int>? initialRestartCounts = null)
    {
        _launch = launch;
        _start = start;
        _backoff = backoff;
        _time = time;
        _logger = logger;
        _changed = changed;
        _status = launch.Containers
            .Select(c => new ContainerRuntimeStatus(c.Name, c.Image, ContainerRunState.Waiting, initialRestartCounts?.GetValueOrDefault(c.Name) ?? 0, "ContainerCreating"))
            .ToArray();
        _instances = new IContainerInstance?[launch.Containers.Count];
        _loops = launch.Containers.Select((_, i) => Task.Run(() => SuperviseAsync(i))).ToArray();
    }

    public IReadOnlyList<ContainerRuntimeStatus> Containers
    {
        get
        {
            lock (_gate)
            {
                return [.. _status];
            }
        }
    }

    public async ValueTask KillAsync()
    {
        if (!MarkStopped())
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(Instances().Select(i => i.KillAsync().AsTask()));
        await WaitLoopsAsync();
    }

    public async ValueTask StopAsync(TimeSpan grace)
    {
        if (!MarkStopped())
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(Instances().Select(i => i.StopAsync(grace).AsTask()));
        await WaitLoopsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }

    /// <summary>Sets the stopped flag under the lock that registers instances, so every instance is either seen by the stop or killed by its loop.</summary>
    private bool MarkStopped()
    {
        lock (_gate)
        {
            if (_stopped != 0)
            {
                return false;
            }

            _stopped = 1;
            return true;
        }
    }

    private IContainerInstance[] Instances()
    {
        lock (_gate)
        {
            return [.. _instances.OfType<IContainerInstance>()];
        }
    }

    private async Task WaitLoopsAsync()
    {
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Log.ContainerLoopHung(_logger, _launch.Namespace, _launch.Name);
        }
    }

    private void Set(int index, ContainerRuntimeStatus status, IContainerInstance? instance)
    {
        lock (_gate)
        {
            _status[index] = status;
            _instances[index] = instance;
        }

        try
        {
            _changed?.Invoke();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.CallbackFailed(_logger, ex);
        }
    }

    private ContainerRuntimeStatus Current(int index)
    {
        lock (_gate)
        {
            return _status[index];
        }
    }

    private async Task SuperviseAsync(int index)
    {
        var container = _launch.Containers[index];
        var ct = _stop.Token;
        var failures = 0;
        try
        {
            if (container.ConfigError is { } configError)
            {
                Set(index, Current(index) with { State = ContainerRunState.Waiting, Reason = "CreateContainerConfigError", Message = configError }, null);
                return;
            }

            while (!ct.IsCancellationRequested)
            {
                IContainerInstance instance;
                try
                {
                    instance = await _start(_launch, container, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (ContainerStartException ex)
                {
                    Log.ContainerStartFailed(_logger, _launch.Namespace, _launch.Name, container.Name, ex.Reason, ex.Message);
                    Set(index, Current(index) with { State = ContainerRunState.Waiting, Reason = ex.Reason, Message = ex.Message }, null);
                    if (!ex.Retryable)
                    {
                        return;
                    }

                    await Task.Delay(_backoff.Delay(++failures), _time, ct);
                    continue;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.ContainerStartFailed(_logger, _launch.Namespace, _launch.Name, container.Name, "RunContainerError", ex.Message);
                    Set(index, Current(index) with { State = ContainerRunState.Waiting, Reason = "RunContainerError", Message = ex.Message }, null);
                    await Task.Delay(_backoff.Delay(++failures), _time, ct);
                    continue;
                }

                var started = _time.GetUtcNow();
                bool stopped;
                lock (_gate)
                {
                    stopped = _stopped != 0;
                    if (!stopped)
                    {
                        _instances[index] = instance;
                    }
                }

                if (stopped)
                {
                    // Stopped while starting: the stop path did not see this instance.
                    await instance.KillAsync();
                    return;
                }

                Set(index, Current(index) with { State = ContainerRunState.Running, Reason = null, Message = null, ExitCode = null, StartedAt = started, FinishedAt = null }, instance);
                int exitCode;
                try
                {
                    exitCode = await instance.Exited.WaitAsync(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }

                var finished = _time.GetUtcNow();
                await instance.KillAsync(); // reap what is left of this run (children, in-process resources)
                failures = finished - started >= _backoff.ResetAfter ? 1 : failures + 1;
                Log.ContainerExited(_logger, _launch.Namespace, _launch.Name, container.Name, exitCode);
                var prior = Current(index);
                Set(index, prior with
                {
                    State = ContainerRunState.Terminated,
                    Reason = exitCode == 0 ? "Completed" : "Error",
                    Message = null,
                    ExitCode = exitCode,
                    FinishedAt = finished,
                }, null);
                var delay = _backoff.Delay(failures);
                await Task.Delay(delay, _time, ct);
                Set(index, Current(index) with { State = ContainerRunState.Waiting, Reason = "ContainerCreating", RestartCount = prior.RestartCount + 1 }, null);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }
}
