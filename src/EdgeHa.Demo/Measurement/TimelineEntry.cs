namespace EdgeHa.Demo.Measurement;

/// <summary>One line of the timeline.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Source">Who says so: demo (what the script did), status (the pair's status), event (a Kubernetes Event), data (what was read through the VIP).</param>
/// <param name="Text">What happened.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Source, string Text);
