using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Events;

/// <summary>Where the <see cref="EventRecorder"/> writes events.k8s.io/v1 Events. <see cref="KubeEventSink"/> writes them to the API.</summary>
public interface IEventSink
{
    /// <summary>Creates the Event (its metadata.name and namespace are set).</summary>
    Task<Event> CreateAsync(Event ev, CancellationToken cancellationToken);

    /// <summary>Writes the new <see cref="Event.Series"/> of an existing Event.</summary>
    Task<Event> UpdateSeriesAsync(Event ev, CancellationToken cancellationToken);
}
