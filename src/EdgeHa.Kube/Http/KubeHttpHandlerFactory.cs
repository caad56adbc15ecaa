using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeHa.Kube.Config;

namespace EdgeHa.Kube;

/// <summary>Builds the HTTP handler for a configuration: TLS trust (custom CA only, or skip), client certificate, timeouts.</summary>
public static class KubeHttpHandlerFactory
{
    public static SocketsHttpHandler Create(KubernetesClientConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = config.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // follow API server endpoint changes
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        var ssl = handler.SslOptions;
        ssl.EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (config.ClientCertificate is not null)
        {
            ssl.ClientCertificates = [config.ClientCertificate];
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => config.ClientCertificate;
        }

        if (config.InsecureSkipTlsVerify)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (config.CertificateAuthorities is { Count: > 0 } || config.TlsServerName is not null)
        {
            var authorities = config.CertificateAuthorities is { Count: > 0 } a ? a : null;
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                Validate(authorities, config.TlsServerName, certificate, chain, errors);
        }

        return handler;
    }

    /// <summary>
    /// Accepts the server certificate only if its name matches (the host, or <paramref name="serverName"/> when set:
    /// the handler always checks against the URL's host, so that check is redone here) and, when
    /// <paramref name="authorities"/> is set, its chain ends in one of them (the system store is not consulted).
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
