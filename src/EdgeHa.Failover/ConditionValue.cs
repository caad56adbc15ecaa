namespace EdgeHa.Failover;

/// <summary>A status condition as plain values; the operator upserts it (meta.SetStatusCondition semantics).</summary>
/// <param name="Type">Ready, Degraded, FailoverInProgress, SpecValid, ReconciliationPaused.</param>
/// <param name="Status">"True", "False" or "Unknown".</param>
/// <param name="Reason">CamelCase, never empty.</param>
/// <param name="Message">Human-readable detail.</param>
public sealed record ConditionValue(string Type, string Status, string Reason, string Message)
{
    public const string True = "True";
    public const string False = "False";

    public static ConditionValue Of(string type, bool status, string reason, string message) =>
        new(type, status ? True : False, reason, message);
}
