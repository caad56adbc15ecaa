using EdgeHa.Kube.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Kube;

/// <summary>Registers one shared <see cref="IKubernetesClient"/>.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="IKubernetesClient"/>. Without <paramref name="configure"/> the configuration is
    /// loaded in the standard order (KUBECONFIG, ~/.kube/config, in-cluster) when the client is first resolved.
    /// </summary>
    public static IServiceCollection AddKubernetesClient(this IServiceCollection services, Func<IServiceProvider, k8s.KubernetesClientConfiguration>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => configure?.Invoke(sp) ?? KubeConfigLoader.Load());
        services.TryAddSingleton<KubernetesClient>(sp => new KubernetesClient(
            sp.GetRequiredService<k8s.KubernetesClientConfiguration>(),
            sp.GetService<ILogger<KubernetesClient>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IKubernetesClient>(sp => sp.GetRequiredService<KubernetesClient>());
        return services;
    }
}
