using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>
/// Typed access to the Kubernetes API. Every call takes a <see cref="CancellationToken"/> and runs under the
/// client's request timeout; errors arrive as <see cref="KubernetesApiException"/> subclasses. Namespace
/// arguments: for a namespaced kind, null means the object's own namespace (create/replace), otherwise the
/// client's default namespace (get/patch/delete), and all namespaces for list and watch. Cluster-scoped kinds
/// ignore it. <see cref="KubernetesClientExtensions"/> adds overloads that infer the <see cref="ResourceType"/>
/// from the model's <see cref="KubernetesResourceAttribute"/>.
/// </summary>
public interface IKubernetesClient
{
    /// <summary>The namespace of the kubeconfig context or the service account ("default" otherwise).</summary>
    string DefaultNamespace { get; }

    /// <summary>GET one object. Throws <see cref="NotFoundException"/> when it does not exist.</summary>
    Task<T> GetAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>LIST objects (one page when <see cref="ListOptions.Limit"/> is set).</summary>
    Task<KubernetesList<T>> ListAsync<T>(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>POST a new object. Throws <see cref="AlreadyExistsException"/> when the name is taken.</summary>
    Task<T> CreateAsync<T>(ResourceType type, T obj, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>PUT the object; with metadata.resourceVersion set, a stale copy yields <see cref="ConflictException"/>.</summary>
    Task<T> ReplaceAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>PATCH the object with a merge, JSON or strategic merge patch.</summary>
    Task<T> PatchAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>PUT the /status subresource (spec changes in the body are ignored by the server).</summary>
    Task<T> ReplaceStatusAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>PATCH the /status subresource.</summary>
    Task<T> PatchStatusAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>
    /// DELETE the object. Returns the object as the server left it when deletion is pending (finalizers,
    /// foreground), or null when the server answered with a Success Status.
    /// </summary>
    Task<T?> DeleteAsync<T>(ResourceType type, string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>
    /// WATCH a collection (or one object with a metadata.name field selector). Reconnects from the last seen
    /// resourceVersion (bookmarks included) when the server closes the stream; throws <see cref="GoneException"/>
    /// when that version has expired, so the caller relists.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceType type, string? @namespace, WatchOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;
}
