using Microsoft.Extensions.Logging;

namespace EdgeHa.Controller.Events;

/// <summary>Settings of an <see cref="EventRecorder"/>.</summary>
public sealed class EventRecorderOptions
{
    /// <summary>reportingController, e.g. <c>edgeha.io/operator</c>.</summary>
    public string ReportingController { get; set; } = "";

    /// <summary>reportingInstance, e.g. the pod name.</summary>
    public string ReportingInstance { get; set; } = "";

    /// <summary>
    /// A repeat within this time of the previous occurrence increments the existing Event's series instead of
    /// creating a new Event (client-go finishes a series after 6 minutes without repeats).
    /// </summary>
    public TimeSpan SeriesWindow { get; set; } = TimeSpan.FromMinutes(6);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public ILogger? Logger { get; set; }
}
