using EdgeHa.Kube;

namespace EdgeHa.Kubectl.Commands;

/// <summary>What a command handler works with: the API client, where to write, the clock, and the namespace to act in.</summary>
/// <param name="Client">The Kubernetes API.</param>
/// <param name="Out">Results (stdout).</param>
/// <param name="Error">Warnings (stderr); errors are thrown, not written.</param>
/// <param name="Time">The clock for ages and waits.</param>
/// <param name="Namespace">The namespace to act in; null means all namespaces (-A).</param>
internal sealed record CommandContext(IKubernetesClient Client, TextWriter Out, TextWriter Error, TimeProvider Time, string? Namespace)
{
    /// <summary>The namespace for commands that need one (all commands that name a PAIR).</summary>
    public string RequiredNamespace => Namespace ?? Client.DefaultNamespace;
}
