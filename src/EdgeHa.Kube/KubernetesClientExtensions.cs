using EdgeHa.Kube.Models;

namespace EdgeHa.Kube;

/// <summary>Overloads that take the <see cref="ResourceType"/> from the model's <see cref="KubernetesResourceAttribute"/>, and small conveniences.</summary>
public static class KubernetesClientExtensions
{
    public static Task<T> GetAsync<T>(this IKubernetesClient client, string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.GetAsync<T>(ResourceType.Of<T>(), @namespace, name, cancellationToken);

    /// <summary>GET, or null when the object does not exist.</summary>
    public static async Task<T?> TryGetAsync<T>(this IKubernetesClient client, string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        try
        {
            return await client.GetAsync<T>(ResourceType.Of<T>(), @namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public static Task<KubernetesList<T>> ListAsync<T>(this IKubernetesClient client, string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.ListAsync<T>(ResourceType.Of<T>(), @namespace, options, cancellationToken);

    /// <summary>Lists every page (following continue tokens). The result's metadata is the last page's.</summary>
    public static async Task<KubernetesList<T>> ListAllAsync<T>(this IKubernetesClient client, ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        options ??= new ListOptions();
        var all = new KubernetesList<T>();
        string? next = options.Continue;
        do
        {
            var page = await client.ListAsync<T>(type, @namespace, options with { Continue = next }, cancellationToken).ConfigureAwait(false);
            all.ApiVersion = page.ApiVersion;
            all.Kind = page.Kind;
            all.Items.AddRange(page.Items);
            // The first page's resourceVersion is the consistent snapshot the pages belong to.
            all.Metadata.ResourceVersion ??= page.Metadata.ResourceVersion;
            next = string.IsNullOrEmpty(page.Metadata.Continue) ? null : page.Metadata.Continue;
        }
        while (next is not null);

        return all;
    }

    public static Task<T> CreateAsync<T>(this IKubernetesClient client, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.CreateAsync(ResourceType.Of<T>(), obj, null, cancellationToken);

    public static Task<T> ReplaceAsync<T>(this IKubernetesClient client, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.ReplaceAsync(ResourceType.Of<T>(), obj, cancellationToken);

    public static Task<T> PatchAsync<T>(this IKubernetesClient client, string name, KubePatch patch, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.PatchAsync<T>(ResourceType.Of<T>(), @namespace, name, patch, cancellationToken);

    public static Task<T> ReplaceStatusAsync<T>(this IKubernetesClient client, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.ReplaceStatusAsync(ResourceType.Of<T>(), obj, cancellationToken);

    public static Task<T> PatchStatusAsync<T>(this IKubernetesClient client, string name, KubePatch patch, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.PatchStatusAsync<T>(ResourceType.Of<T>(), @namespace, name, patch, cancellationToken);

    public static Task<T?> DeleteAsync<T>(this IKubernetesClient client, string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.DeleteAsync<T>(ResourceType.Of<T>(), @namespace, name, options, cancellationToken);

    /// <summary>DELETE, returning false instead of throwing when the object is already gone.</summary>
    public static async Task<bool> DeleteIfExistsAsync<T>(this IKubernetesClient client, string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        try
        {
            await client.DeleteAsync<T>(ResourceType.Of<T>(), @namespace, name, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    public static IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(this IKubernetesClient client, string? @namespace = null, WatchOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject => client.WatchAsync<T>(ResourceType.Of<T>(), @namespace, options, cancellationToken);
}
