namespace EdgeHa.Failover;

/// <summary>The condition types the engine reports.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Degraded = "Degraded";
    public const string FailoverInProgress = "FailoverInProgress";
    public const string SpecValid = "SpecValid";
    public const string ReconciliationPaused = "ReconciliationPaused";
}
