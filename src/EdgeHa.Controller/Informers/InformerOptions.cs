using Microsoft.Extensions.Logging;

namespace EdgeHa.Controller.Informers;

/// <summary>Settings of an <see cref="Informer{T}"/>.</summary>
public sealed class InformerOptions
{
    /// <summary>A name for logs (e.g. the resource).</summary>
    public string Name { get; set; } = "informer";

    /// <summary>How often every cached object is re-delivered as an update; zero or negative disables resync.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.Zero;

    /// <summary>First delay after a failed list or watch; doubles per consecutive failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the failure backoff.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A watch that closes cleanly sooner than this without delivering any event is treated as a failure (backoff),
    /// so a server that keeps closing watches at once is not hammered.
    /// </summary>
    public TimeSpan MinWatchDuration { get; set; } = TimeSpan.FromSeconds(1);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public ILogger? Logger { get; set; }
}
