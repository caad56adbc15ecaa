namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>Settings of <see cref="ProcessPodRuntime"/>.</summary>
public sealed class ProcessPodRuntimeOptions
{
    /// <summary>Image -> local command.</summary>
    public ImageMap Images { get; set; } = new();

    /// <summary>Where each pod's output goes: one file <c>&lt;namespace&gt;_&lt;pod&gt;.log</c> per pod.</summary>
    public string LogDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "edgeha-sandbox", "pod-logs");

    /// <summary>Restart delays of crashed containers.</summary>
    public RestartBackoff Backoff { get; set; } = RestartBackoff.Default;

    /// <summary>The working directory of the processes (default: the current one).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Pass the sandbox host's environment through to containers (PATH, HOME, DOTNET_ROOT, ...) before the pod's own. Default true.</summary>
    public bool InheritEnvironment { get; set; } = true;
}
