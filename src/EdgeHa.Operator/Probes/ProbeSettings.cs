namespace EdgeHa.Operator.Probes;

/// <summary>How one pod is probed: where, how often, how long to wait, and the thresholds of its verdict.</summary>
public sealed record ProbeSettings(ProbeTarget Target, TimeSpan Period, TimeSpan Timeout, int FailureThreshold, int SuccessThreshold);
