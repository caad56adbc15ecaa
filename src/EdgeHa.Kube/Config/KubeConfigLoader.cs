using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace EdgeHa.Kube.Config;

/// <summary>Where the loader looks: the file system and environment (injectable for tests).</summary>
public sealed record KubeConfigSources
{
    public IFileSystem FileSystem { get; init; } = PhysicalFileSystem.Instance;

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The home directory for ~/.kube/config; null = the HOME variable (USERPROFILE on Windows).</summary>
    public string? HomeDirectory { get; init; }
}

/// <summary>
/// Finds the client configuration the way kubectl and client-go do: the files in <c>KUBECONFIG</c> (merged, the
/// first file to define a name wins), else <c>~/.kube/config</c>, else the in-cluster service account.
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>The service account directory mounted into every pod.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Loads the configuration in the standard order; <paramref name="context"/> overrides current-context.</summary>
    public static KubernetesClientConfiguration Load(string? context = null, KubeConfigSources? sources = null)
    {
        sources ??= new KubeConfigSources();
        var paths = KubeConfigPaths(sources);
        if (paths.Count > 0)
        {
            return FromKubeConfigFiles(paths, context, sources);
        }

        if (IsInCluster(sources))
        {
            if (context is not null)
            {
                throw new KubeConfigException($"Context '{context}' was requested, but no kubeconfig was found (only the in-cluster service account).");
            }

            return InCluster(sources);
        }

        throw new KubeConfigException("No Kubernetes configuration: KUBECONFIG names no existing file, ~/.kube/config does not exist, and KUBERNETES_SERVICE_HOST is not set.");
    }

    /// <summary>Loads one or more kubeconfig files (merged in order) and selects a context.</summary>
    public static KubernetesClientConfiguration FromKubeConfigFiles(IReadOnlyList<string> paths, string? context = null, KubeConfigSources? sources = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        sources ??= new KubeConfigSources();
        var files = paths.Select(p => Parse(p, sources.FileSystem)).ToList();
        var contextName = context ?? files.Select(f => f.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c))
            ?? throw new KubeConfigException($"{string.Join(", ", paths)}: no current-context and no context was given.");

        var namedContext = files.SelectMany(f => f.Contexts ?? []).FirstOrDefault(c => c.Name == contextName)
            ?? throw new KubeConfigException($"{string.Join(", ", paths)}: context '{contextName}' not found.");
        var ctx = namedContext.Context ?? throw new KubeConfigException($"Context '{contextName}' is empty.");
        var cluster = files.SelectMany(f => (f.Clusters ?? []).Select(c => { c.Directory = f.Directory; return c; }))
            .FirstOrDefault(c => c.Name == ctx.Cluster)
            ?? throw new KubeConfigException($"Context '{contextName}': cluster '{ctx.Cluster}' not found.");
        var user = files.SelectMany(f => (f.Users ?? []).Select(u => { u.Directory = f.Directory; return u; }))
            .FirstOrDefault(u => u.Name == ctx.User);
        if (user is null && !string.IsNullOrEmpty(ctx.User))
        {
            throw new KubeConfigException($"Context '{contextName}': user '{ctx.User}' not found.");
        }

        var c = cluster.Cluster ?? throw new KubeConfigException($"Cluster '{cluster.Name}' is empty.");
        if (string.IsNullOrEmpty(c.Server) || !Uri.TryCreate(c.Server, UriKind.Absolute, out var server))
        {
            throw new KubeConfigException($"Cluster '{cluster.Name}': server '{c.Server}' is not an absolute URL.");
        }

        var u = user?.User ?? new UserEntry();
        if ((u.Exec is not null || u.AuthProvider is not null) && u.Token is null && u.TokenFile is null && u.ClientCertificate is null && u.ClientCertificateData is null)
        {
            throw new KubeConfigException($"User '{user?.Name}': exec and auth-provider plugins are not supported; use a token, token file or client certificate.");
        }

        var fs = sources.FileSystem;
        return new KubernetesClientConfiguration
        {
            Server = server,
            DefaultNamespace = string.IsNullOrEmpty(ctx.Namespace) ? "default" : ctx.Namespace,
            AccessToken = string.IsNullOrEmpty(u.Token) ? null : u.Token,
            TokenFile = string.IsNullOrEmpty(u.TokenFile) ? null : Resolve(user!.Directory, u.TokenFile),
            Username = u.Username,
            Password = u.Password,
            ClientCertificate = LoadClientCertificate(u, user?.Directory ?? "", fs, user?.Name),
            CertificateAuthorities = LoadAuthorities(c.CertificateAuthorityData, c.CertificateAuthority is null ? null : Resolve(cluster.Directory, c.CertificateAuthority), fs, $"cluster '{cluster.Name}'"),
            InsecureSkipTlsVerify = c.InsecureSkipTlsVerify,
            TlsServerName = string.IsNullOrEmpty(c.TlsServerName) ? null : c.TlsServerName,
            FileSystem = fs,
            ContextName = contextName,
        };
    }

    /// <summary>True when running in a pod (KUBERNETES_SERVICE_HOST and the service account token exist).</summary>
    public static bool IsInCluster(KubeConfigSources? sources = null)
    {
        sources ??= new KubeConfigSources();
        return !string.IsNullOrEmpty(sources.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
            && sources.FileSystem.FileExists($"{ServiceAccountDirectory}/token");
    }

    /// <summary>The in-cluster configuration: the service account token (re-read as it rotates), CA and namespace.</summary>
    public static KubernetesClientConfiguration InCluster(KubeConfigSources? sources = null)
    {
        sources ??= new KubeConfigSources();
        var host = sources.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = sources.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("In-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT.");
        }

        var fs = sources.FileSystem;
        var tokenFile = $"{ServiceAccountDirectory}/token";
        if (!fs.FileExists(tokenFile))
        {
            throw new KubeConfigException($"In-cluster configuration: {tokenFile} does not exist.");
        }

        var caFile = $"{ServiceAccountDirectory}/ca.crt";
        var nsFile = $"{ServiceAccountDirectory}/namespace";
        var ns = fs.FileExists(nsFile) ? fs.ReadAllText(nsFile).Trim() : "";
        var hostPart = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        return new KubernetesClientConfiguration
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            DefaultNamespace = ns.Length == 0 ? "default" : ns,
            TokenFile = tokenFile,
            CertificateAuthorities = fs.FileExists(caFile) ? LoadAuthorities(null, caFile, fs, "in-cluster") : null,
            FileSystem = fs,
            ContextName = "in-cluster",
        };
    }

    private static List<string> KubeConfigPaths(KubeConfigSources sources)
    {
        var fs = sources.FileSystem;
        var env = sources.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(fs.FileExists).Distinct(StringComparer.Ordinal).ToList();
        }

        var home = sources.HomeDirectory ?? sources.GetEnvironmentVariable("HOME") ?? sources.GetEnvironmentVariable("USERPROFILE");
        if (string.IsNullOrEmpty(home))
        {
            return [];
        }

        var path = Path.Combine(home, ".kube", "config");
        return fs.FileExists(path) ? [path] : [];
    }

    private static KubeConfigFile Parse(string path, IFileSystem fs)
    {
        string text;
        try
        {
            text = fs.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{path}: cannot read: {ex.Message}", ex);
        }

        try
        {
            var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
            var file = deserializer.Deserialize<KubeConfigFile?>(text) ?? new KubeConfigFile();
            file.Directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "";
            return file;
        }
        catch (YamlException ex)
        {
            throw new KubeConfigException($"{path}: not a valid kubeconfig: {ex.Message}", ex);
        }
    }

    private static string Resolve(string directory, string path) =>
        Path.IsPathRooted(path) || directory.Length == 0 ? path : Path.Combine(directory, path);

    private static X509Certificate2? LoadClientCertificate(UserEntry u, string directory, IFileSystem fs, string? userName)
    {
        var certPem = u.ClientCertificateData is not null ? DecodeBase64(u.ClientCertificateData, $"user '{userName}' client-certificate-data")
            : u.ClientCertificate is not null ? ReadText(fs, Resolve(directory, u.ClientCertificate)) : null;
        var keyPem = u.ClientKeyData is not null ? DecodeBase64(u.ClientKeyData, $"user '{userName}' client-key-data")
            : u.ClientKey is not null ? ReadText(fs, Resolve(directory, u.ClientKey)) : null;
        if (certPem is null && keyPem is null)
        {
            return null;
        }

        if (certPem is null || keyPem is null)
        {
            throw new KubeConfigException($"User '{userName}': a client certificate needs both the certificate and the key.");
        }

        return ClientCertificateFromPem(certPem, keyPem);
    }

    /// <summary>Builds a TLS client certificate from PEM certificate and key (RSA or EC, PKCS#1/PKCS#8/SEC1).</summary>
    public static X509Certificate2 ClientCertificateFromPem(string certificatePem, string keyPem)
    {
        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // Round-trip through PKCS#12: SslStream on some platforms cannot use a key that exists only in memory.
            return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex)
        {
            throw new KubeConfigException($"The client certificate or key is not valid PEM: {ex.Message}", ex);
        }
    }

    /// <summary>Loads the CA bundle from inline base64 PEM data or a PEM file.</summary>
    internal static X509Certificate2Collection? LoadAuthorities(string? base64Data, string? file, IFileSystem fs, string what)
    {
        var pem = base64Data is not null ? DecodeBase64(base64Data, $"{what} certificate-authority-data")
            : file is not null ? ReadText(fs, file) : null;
        if (pem is null)
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new KubeConfigException($"{what}: the certificate authority is not valid PEM: {ex.Message}", ex);
        }

        return collection.Count > 0 ? collection : throw new KubeConfigException($"{what}: the certificate authority holds no certificate.");
    }

    private static string ReadText(IFileSystem fs, string path)
    {
        try
        {
            return fs.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{path}: cannot read: {ex.Message}", ex);
        }
    }

    private static string DecodeBase64(string data, string what)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
        }
        catch (FormatException ex)
        {
            throw new KubeConfigException($"{what} is not base64.", ex);
        }
    }
}
