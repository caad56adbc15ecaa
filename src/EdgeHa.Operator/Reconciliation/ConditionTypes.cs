namespace EdgeHa.Operator.Reconciliation;

/// <summary>The condition types on a RedundantPair's status.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Degraded = "Degraded";
    public const string FailoverInProgress = "FailoverInProgress";
    public const string SpecValid = "SpecValid";
    public const string ReconciliationPaused = "ReconciliationPaused";
    public const string VipAssigned = "VipAssigned";
    public const string EndToEndDataFlowing = "EndToEndDataFlowing";
}
