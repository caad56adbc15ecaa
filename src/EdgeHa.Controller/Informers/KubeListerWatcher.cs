using System.Runtime.CompilerServices;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Informers;

/// <summary>
/// Lists and watches one resource type through the EdgeHa.Kube client. The watch does not reconnect by itself: the
/// informer decides when to re-watch (from the last resourceVersion) or relist (on 410 Gone).
/// </summary>
public sealed class KubeListerWatcher<T> : IListerWatcher<T>
    where T : KubernetesObject
{
    private readonly IKubernetesClient _client;
    private readonly ResourceType _type;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly string? _fieldSelector;

    /// <param name="client">The API client.</param>
    /// <param name="namespace">One namespace, or null for all namespaces.</param>
    /// <param name="labelSelector">Optional label selector.</param>
    /// <param name="fieldSelector">Optional field selector.</param>
    /// <param name="type">The resource type; default from <typeparamref name="T"/>'s <see cref="KubernetesResourceAttribute"/>.</param>
    public KubeListerWatcher(IKubernetesClient client, string? @namespace = null, string? labelSelector = null, string? fieldSelector = null, ResourceType? type = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _type = type ?? ResourceType.Of<T>();
        _namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        _labelSelector = labelSelector;
        _fieldSelector = fieldSelector;
    }

    public async Task<ListResult<T>> ListAsync(CancellationToken cancellationToken)
    {
        var list = await _client.ListAllAsync<T>(
            _type,
            _namespace,
            new ListOptions { LabelSelector = _labelSelector, FieldSelector = _fieldSelector, Limit = 500 },
            cancellationToken).ConfigureAwait(false);
        return new ListResult<T>(list.Items, list.Metadata.ResourceVersion ?? "");
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new WatchOptions
        {
            ResourceVersion = resourceVersion,
            LabelSelector = _labelSelector,
            FieldSelector = _fieldSelector,
            AllowWatchBookmarks = true,
            Reconnect = false,
        };
        await foreach (var ev in _client.WatchAsync<T>(_type, _namespace, options, cancellationToken).ConfigureAwait(false))
        {
            yield return ev;
        }
    }
}
