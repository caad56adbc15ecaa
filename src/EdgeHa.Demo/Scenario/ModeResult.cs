using EdgeHa.Demo.Data;
using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Scenario;

/// <summary>Everything one mode's run produced; <paramref name="Subscriber"/> when an MQTT subscriber measured too.</summary>
public sealed record ModeResult(
    PairManifest Pair,
    DateTimeOffset Origin,
    IReadOnlyList<StepResult> Steps,
    Timeline Timeline,
    IReadOnlyList<TransitionMeasurement> Transitions,
    ContinuityReport Continuity,
    IReadOnlyList<OutageWindow> Outages,
    IReadOnlyList<Stint> Stints,
    long? PredictedFailoverMs,
    Verdict Verdict,
    SubscriberReport? Subscriber = null)
{
    /// <summary>The first failed step, as "step: why", or null.</summary>
    public string? FailedStep => Steps.FirstOrDefault(s => !s.Succeeded) is { } f ? $"step \"{f.Name}\": {f.Error}" : null;
}
