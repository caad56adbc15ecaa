using System.Security.Cryptography.X509Certificates;

namespace EdgeHa.Kube.Config;

/// <summary>
/// Everything the client needs to reach one API server: where, as whom, whom to trust, and how patiently.
/// Build it with <see cref="KubeConfigLoader"/> (kubeconfig or in-cluster) or by hand.
/// </summary>
public sealed class KubernetesClientConfiguration
{
    /// <summary>The API server's base address, for example https://10.0.0.1:6443.</summary>
    public required Uri Server { get; init; }

    /// <summary>The namespace of the context or service account.</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>A static bearer token.</summary>
    public string? AccessToken { get; init; }

    /// <summary>A file holding the bearer token, re-read every <see cref="TokenRefreshInterval"/> and after a 401 (service account tokens rotate).</summary>
    public string? TokenFile { get; init; }

    /// <summary>How long a token read from <see cref="TokenFile"/> is used before the file is read again.</summary>
    public TimeSpan TokenRefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Basic authentication, when the kubeconfig uses username/password.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The client certificate with its private key, for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>When set, the server's chain must end in one of these (and only these) certificates.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>Accept any server certificate. For tests and labs only.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name to expect in the server certificate when it differs from the host of <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>The time limit of each request attempt (for a watch: until the response headers arrive).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public KubeRetryPolicy Retry { get; init; } = new();

    /// <summary>Where <see cref="TokenFile"/> is read from.</summary>
    public IFileSystem FileSystem { get; init; } = PhysicalFileSystem.Instance;

    /// <summary>The kubeconfig context this came from, or "in-cluster"; for logs.</summary>
    public string? ContextName { get; init; }

    /// <summary>The User-Agent header.</summary>
    public string UserAgent { get; init; } = "edgeha-kube/1.0";
}
