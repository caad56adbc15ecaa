using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Informers;

/// <summary>
/// Where an informer meets the API: list a collection, then watch it from the list's resourceVersion.
/// Implementations throw <see cref="GoneException"/> (410 Expired) when the resourceVersion is too old, so the
/// informer relists. <see cref="KubeListerWatcher{T}"/> adapts the EdgeHa.Kube client; tests use an in-memory fake.
/// </summary>
public interface IListerWatcher<T>
    where T : KubernetesObject
{
    /// <summary>Lists the whole collection and the resourceVersion it is consistent with.</summary>
    Task<ListResult<T>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Streams changes after <paramref name="resourceVersion"/> until the server closes the watch.</summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, CancellationToken cancellationToken);
}

/// <summary>The answer of a list call.</summary>
/// <param name="Items">Every object of the collection.</param>
/// <param name="ResourceVersion">The collection's resourceVersion, where a watch resumes.</param>
public sealed record ListResult<T>(IReadOnlyList<T> Items, string ResourceVersion);
