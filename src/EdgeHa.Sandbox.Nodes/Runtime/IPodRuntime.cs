namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>
/// Runs the containers of a pod on a simulated node: the container runtime (CRI) of the sandbox.
/// <see cref="ProcessPodRuntime"/> starts real local processes; <see cref="InProcessPodRuntime"/> runs delegates for fast tests.
/// </summary>
public interface IPodRuntime
{
    /// <summary>
    /// Starts the pod's containers and keeps them running (restartPolicy Always, with backoff) until the returned pod is
    /// stopped or killed. Never throws for a bad container: its failure is reported in <see cref="IRunningPod.Containers"/>.
    /// </summary>
    /// <param name="launch">What to run.</param>
    /// <param name="changed">Called (on any thread) whenever a container's state changes.</param>
    IRunningPod Start(PodLaunch launch, Action? changed = null);
}

/// <summary>A pod started by an <see cref="IPodRuntime"/>. Disposing stops it gracefully.</summary>
public interface IRunningPod : IAsyncDisposable
{
    /// <summary>A snapshot of each container's state, in spec order.</summary>
    IReadOnlyList<ContainerRuntimeStatus> Containers { get; }

    /// <summary>The machine died: every process is killed at once, nothing is restarted.</summary>
    ValueTask KillAsync();

    /// <summary>Graceful stop: containers are asked to stop and killed after <paramref name="grace"/>.</summary>
    ValueTask StopAsync(TimeSpan grace);
}
