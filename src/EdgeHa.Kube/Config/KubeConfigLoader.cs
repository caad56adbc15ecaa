using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace EdgeHa.Kube.Config;

/// <summary>
/// Finds the client configuration the way kubectl does, with the official client doing the reading (users with
/// tokens, token files, client certificates, exec credential plugins and OIDC; clusters with CA and TLS server
/// name; the pod's service account): the files in <c>KUBECONFIG</c> (merged, the first file to define a name wins),
/// else <c>~/.kube/config</c>, else the in-cluster service account. Unlike the library's
/// <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/>, finding nothing is an error rather than
/// http://localhost:8080, and a requested context is honoured with KUBECONFIG too.
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>Loads the configuration in the standard order; <paramref name="context"/> overrides current-context.</summary>
    public static KubernetesClientConfiguration Load(string? context = null) =>
        Load(context, Environment.GetEnvironmentVariable("KUBECONFIG"), KubernetesClientConfiguration.KubeConfigDefaultLocation);

    /// <summary>The standard order with the KUBECONFIG value and the home kubeconfig's path given (tests).</summary>
    internal static KubernetesClientConfiguration Load(string? context, string? kubeconfigVariable, string homeKubeconfig)
    {
        var paths = KubeConfigPaths(kubeconfigVariable, homeKubeconfig);
        if (paths.Count > 0)
        {
            return FromKubeConfigFiles(paths, context);
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return context is null
                ? KubernetesClientConfiguration.InClusterConfig()
                : throw new KubeConfigException($"Context '{context}' was requested, but no kubeconfig was found (only the in-cluster service account).");
        }

        throw new KubeConfigException("No Kubernetes configuration: KUBECONFIG names no existing file, ~/.kube/config does not exist, and KUBERNETES_SERVICE_HOST is not set.");
    }

    /// <summary>Loads one or more kubeconfig files (merged in order) and selects a context.</summary>
    public static KubernetesClientConfiguration FromKubeConfigFiles(IReadOnlyList<string> paths, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            throw new ArgumentException("At least one kubeconfig file is needed.", nameof(paths));
        }

        var files = paths.Select(Read).ToList();
        var merged = files.Count == 1 ? files[0] : Merge(files);
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context);
        }
        catch (KubeConfigException ex)
        {
            throw new KubeConfigException($"{string.Join(", ", paths)}: {ex.Message}", ex);
        }
    }

    /// <summary>The existing files named by KUBECONFIG (separated by the platform's path separator), else ~/.kube/config if it exists.</summary>
    private static List<string> KubeConfigPaths(string? kubeconfigVariable, string homeKubeconfig)
    {
        if (kubeconfigVariable is { Length: > 0 } list)
        {
            return [.. list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(File.Exists)];
        }

        return File.Exists(homeKubeconfig) ? [homeKubeconfig] : [];
    }

    private static K8SConfiguration Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new KubeConfigException($"{path}: the kubeconfig file does not exist.");
        }

        try
        {
            // Relative paths (certificate files, token files, exec commands) are relative to the file, as for kubectl.
            return KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path), useRelativePaths: true);
        }
        catch (Exception ex) when (ex is not KubeConfigException and not OutOfMemoryException)
        {
            throw new KubeConfigException($"{path}: not a valid kubeconfig: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// kubectl's merge: the first file to set a value or define a name wins. Each file's relative certificate paths
    /// are made absolute first, since the merged configuration has no one directory to resolve them against.
    /// </summary>
    private static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> files)
    {
        foreach (var file in files)
        {
            var directory = Path.GetDirectoryName(file.FileName) ?? "";
            foreach (var endpoint in (file.Clusters ?? []).Select(c => c.ClusterEndpoint).OfType<ClusterEndpoint>())
            {
                endpoint.CertificateAuthority = Absolute(directory, endpoint.CertificateAuthority);
            }

            foreach (var credentials in (file.Users ?? []).Select(u => u.UserCredentials).OfType<UserCredentials>())
            {
                credentials.ClientCertificate = Absolute(directory, credentials.ClientCertificate);
                credentials.ClientKey = Absolute(directory, credentials.ClientKey);
            }
        }

        return new()
        {
            ApiVersion = "v1",
            Kind = "Config",
            CurrentContext = files.Select(f => f.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Preferences = files.Select(f => f.Preferences).FirstOrDefault(p => p is not null),
            Contexts = First(files.SelectMany(f => f.Contexts ?? []), c => c.Name),
            Clusters = First(files.SelectMany(f => f.Clusters ?? []), c => c.Name),
            Users = First(files.SelectMany(f => f.Users ?? []), u => u.Name),
            Extensions = First(files.SelectMany(f => f.Extensions ?? []), e => e.Name),
        };
    }

    private static string? Absolute(string directory, string? path) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.Combine(directory, path);

    private static List<T> First<T>(IEnumerable<T> items, Func<T, string> name) =>
        [.. items.GroupBy(name, StringComparer.Ordinal).Select(g => g.First())];
}
