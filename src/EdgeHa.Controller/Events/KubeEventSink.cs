using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Events;

/// <summary>Writes Events to the API server (events.k8s.io/v1): create, and a merge patch of <c>series</c> for repeats.</summary>
public sealed class KubeEventSink(IKubernetesClient client) : IEventSink
{
    private readonly IKubernetesClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public Task<Event> CreateAsync(Event ev, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return _client.CreateAsync(ResourceType.Of<Event>(), ev, ev.Metadata.Namespace, cancellationToken);
    }

    public Task<Event> UpdateSeriesAsync(Event ev, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(ev.Series);
        var patch = KubePatch.Merge(new { series = new EventSeries { Count = ev.Series.Count, LastObservedTime = ev.Series.LastObservedTime } });
        return _client.PatchAsync<Event>(ResourceType.Of<Event>(), ev.Metadata.Namespace, ev.Metadata.Name!, patch, cancellationToken);
    }
}
