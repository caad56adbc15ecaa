namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>A pod as the runtime sees it: identity, its loopback address and its containers, fully resolved.</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Name">The pod's name.</param>
/// <param name="Uid">The pod's uid.</param>
/// <param name="PodIP">The pod's own loopback address; containers bind there.</param>
/// <param name="NodeName">The node the pod runs on.</param>
/// <param name="Containers">The containers, in spec order.</param>
public sealed record PodLaunch(string Namespace, string Name, string Uid, string PodIP, string NodeName, IReadOnlyList<ContainerLaunch> Containers);

/// <summary>One container to run, with its environment already resolved (downward API, $(VAR) expansion).</summary>
/// <param name="Name">The container's name.</param>
/// <param name="Image">The image reference as written in the spec.</param>
/// <param name="Command">The container's command (entrypoint override), expanded.</param>
/// <param name="Args">The container's args, expanded.</param>
/// <param name="Environment">The environment variables, in order.</param>
/// <param name="ConfigError">Set when the container cannot be configured (for example an unsupported valueFrom): it is not started.</param>
public sealed record ContainerLaunch(
    string Name,
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? ConfigError = null);

/// <summary>Where a container is in its life.</summary>
public enum ContainerRunState
{
    /// <summary>Not running: starting, image missing, or backing off before a restart.</summary>
    Waiting,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Exited (and not yet restarted, or stopped for good).</summary>
    Terminated,
}

/// <summary>A container's state as the kubelet reports it in containerStatuses.</summary>
/// <param name="Name">The container's name.</param>
/// <param name="Image">The image.</param>
/// <param name="State">Waiting, running or terminated.</param>
/// <param name="RestartCount">How many times it was restarted.</param>
/// <param name="Reason">For waiting/terminated: ErrImagePull, CrashLoopBackOff, CreateContainerConfigError, Error, Completed, ...</param>
/// <param name="Message">Details for a human.</param>
/// <param name="ExitCode">For terminated.</param>
/// <param name="StartedAt">When the current (or last) run started.</param>
/// <param name="FinishedAt">For terminated.</param>
public sealed record ContainerRuntimeStatus(
    string Name,
    string Image,
    ContainerRunState State,
    int RestartCount,
    string? Reason = null,
    string? Message = null,
    int? ExitCode = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null);

/// <summary>How crashed containers are restarted (restartPolicy Always): the delay doubles from Initial up to Max.</summary>
/// <param name="Initial">The first delay (the kubelet uses 10 s; the sandbox defaults to 1 s).</param>
/// <param name="Max">The cap (the kubelet uses 5 min).</param>
/// <param name="ResetAfter">A run at least this long resets the delay to <paramref name="Initial"/>.</param>
public sealed record RestartBackoff(TimeSpan Initial, TimeSpan Max, TimeSpan ResetAfter)
{
    /// <summary>1 s doubling to 30 s, reset after 60 s of running.</summary>
    public static RestartBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <summary>The delay before restart number <paramref name="restarts"/> (1-based).</summary>
    public TimeSpan Delay(int restarts)
    {
        var exponent = Math.Clamp(restarts - 1, 0, 20);
        return TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Initial.Ticks * Math.Pow(2, exponent)));
    }
}
