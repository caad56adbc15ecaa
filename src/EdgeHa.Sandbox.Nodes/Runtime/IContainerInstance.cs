namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>One run of one container, as a runtime started it.</summary>
internal interface IContainerInstance
{
    /// <summary>Completes with the exit code when the container exits by itself.</summary>
    Task<int> Exited { get; }

    /// <summary>Kills at once (the whole process tree).</summary>
    ValueTask KillAsync();

    /// <summary>Asks the container to stop, and kills it after <paramref name="grace"/>.</summary>
    ValueTask StopAsync(TimeSpan grace);
}
