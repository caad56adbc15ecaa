using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeHa.Kube;

/// <summary>
/// The server-certificate check for a cluster with its own CA. It replaces the official client's, which accepts a
/// certificate for any name when the chain ends in the custom CA: it ignores a name mismatch whenever the chain also
/// needed the custom root. Every kubelet serving certificate signed by the cluster CA would then pass as the API
/// server. This check requires both the name and the chain, as kubectl does.
/// </summary>
internal static class ServerCertificateCheck
{
    /// <summary>
    /// Creates the official client for <paramref name="config"/> with this check in place of its own whenever the
    /// configuration names certificate authorities. The configuration is changed while the client is built and handed
    /// back as it came in, so two clients must not be built from one configuration at the same time.
    /// </summary>
    public static k8s.Kubernetes CreateTransport(k8s.KubernetesClientConfiguration config, DelegatingHandler? handler)
    {
        var authorities = config.SslCaCerts;
        if (config.SkipTlsVerify || authorities is not { Count: > 0 })
        {
            return handler is null ? new k8s.Kubernetes(config) : new k8s.Kubernetes(config, handler);
        }

        // Without SslCaCerts the library installs no callback of its own, so the one set up here stays.
        var setup = config.FirstMessageHandlerSetup;
        var serverName = config.TlsServerName;
        try
        {
            config.SslCaCerts = null;
            config.FirstMessageHandlerSetup = h =>
            {
                setup?.Invoke(h);
                h.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(authorities, serverName, certificate, chain, errors);
            };
            return handler is null ? new k8s.Kubernetes(config) : new k8s.Kubernetes(config, handler);
        }
        finally
        {
            config.SslCaCerts = authorities;
            config.FirstMessageHandlerSetup = setup;
        }
    }

    /// <summary>
    /// Accepts the server certificate only if its name matches (the host, or <paramref name="serverName"/> when set)
    /// and, when <paramref name="authorities"/> is set, its chain ends in one of them (the system store is not
    /// consulted).
    /// </summary>
    internal static bool Validate(X509Certificate2Collection? authorities, string? serverName, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (serverName is not null)
        {
            if (!leaf.MatchesHostname(serverName))
            {
                return false;
            }

            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (authorities is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        if (chain is not null)
        {
            // Intermediates the server sent.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
