using System.Reflection;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kubectl.Cli;

namespace EdgeHa.Kubectl;

/// <summary>Builds the API client from --kubeconfig / KUBECONFIG / ~/.kube/config / in-cluster, and --context.</summary>
internal static class KubeClientFactory
{
    /// <summary>The plugin version (informational version without the source revision).</summary>
    public static string Version { get; } =
        (typeof(KubeClientFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    public static KubernetesClient Create(Invocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var config = invocation.Kubeconfig is { } path
            ? KubeConfigLoader.FromKubeConfigFiles([path], invocation.Context)
            : KubeConfigLoader.Load(invocation.Context);
        config.UserAgent = $"kubectl-edgeha/{Version}";

        // A person is waiting: fail in seconds rather than retry for a minute as the operator would.
        return new KubernetesClient(config, options: new KubeClientOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(15),
            Retry = new KubeRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1) },
        });
    }
}
