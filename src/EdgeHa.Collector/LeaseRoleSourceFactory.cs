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

        // Fencing calls must fail fast: a renewal that hangs is a renewal that did not happen.
        config = new KubernetesClientConfiguration
        {
            Server = config.Server,
            DefaultNamespace = config.DefaultNamespace,
            AccessToken = config.AccessToken,
            TokenFile = config.TokenFile,
            Username = config.Username,
            Password = config.Password,
            ClientCertificate = config.ClientCertificate,
            CertificateAuthorities = config.CertificateAuthorities,
            InsecureSkipTlsVerify = config.InsecureSkipTlsVerify,
            TlsServerName = config.TlsServerName,
            RequestTimeout = TimeSpan.FromSeconds(2),
            Retry = KubeRetryPolicy.None,
            ContextName = config.ContextName,
            FileSystem = config.FileSystem,
            TokenRefreshInterval = config.TokenRefreshInterval,
            UserAgent = "edgeha-collector/1.0",
        };
        var client = new KubernetesClient(config);
        var holderOptions = new LeaseHolderOptions
        {
            Namespace = options.LeaseNamespace!,
            LeaseName = options.LeaseName!,
            Identity = options.Identity!,
        };
        return new LeaseRoleSource(lastPublished => new LeaseHolder(client, holderOptions, lastPublished));
    }
}
