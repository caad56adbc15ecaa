using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;

namespace EdgeHa.Collector;

/// <summary>Builds the lease role source from the options (the kubeconfig order, or the pod's service account).</summary>
internal static class LeaseRoleSourceFactory
{
    public static LeaseRoleSource Create(CollectorOptions options)
    {
        var config = options.Kubeconfig is { } path ? KubeConfigLoader.FromKubeConfigFiles([path]) : KubeConfigLoader.Load();

        config.UserAgent = "edgeha-collector/1.0";
        // Fencing calls must fail fast: a renewal that hangs is a renewal that did not happen.
        var client = new KubernetesClient(config, options: new KubeClientOptions { RequestTimeout = TimeSpan.FromSeconds(2), Retry = KubeRetryPolicy.None });
        var holderOptions = new LeaseHolderOptions
        {
            Namespace = options.LeaseNamespace!,
            LeaseName = options.LeaseName!,
            Identity = options.Identity!,
        };
        return new LeaseRoleSource(lastPublished => new LeaseHolder(client, holderOptions, lastPublished));
    }
}
