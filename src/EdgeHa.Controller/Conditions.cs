using System.Text.RegularExpressions;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller;

/// <summary>
/// Status condition helpers with apimachinery's meta.SetStatusCondition semantics: upsert by type;
/// <c>lastTransitionTime</c> changes only when the status flips; reason, message and observedGeneration always take
/// the new values. Conditions are validated as the API server validates metav1.Condition.
/// </summary>
public static partial class Conditions
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    /// <summary>The summary condition type.</summary>
    public const string Ready = "Ready";

    /// <summary>
    /// Inserts or updates the condition of <paramref name="condition"/>'s type. Returns true when anything changed.
    /// A new condition, or one whose status flipped, gets <paramref name="now"/> as lastTransitionTime unless the
    /// caller set one. Throws <see cref="ArgumentException"/> when the condition is not valid.
    /// </summary>
    public static bool Set(IList<Condition> conditions, Condition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        Validate(condition);
        var transition = condition.LastTransitionTime == default ? now : condition.LastTransitionTime;
        var existing = Find(conditions, condition.Type);
        if (existing is null)
        {
            conditions.Add(new Condition
            {
                Type = condition.Type,
                Status = condition.Status,
                ObservedGeneration = condition.ObservedGeneration,
                LastTransitionTime = transition,
                Reason = condition.Reason,
                Message = condition.Message,
            });
            return true;
        }

        var changed = false;
        if (existing.Status != condition.Status)
        {
            existing.Status = condition.Status;
            existing.LastTransitionTime = transition;
            changed = true;
        }

        if (existing.Reason != condition.Reason)
        {
            existing.Reason = condition.Reason;
            changed = true;
        }

        if (existing.Message != condition.Message)
        {
            existing.Message = condition.Message;
            changed = true;
        }

        if (existing.ObservedGeneration != condition.ObservedGeneration)
        {
            existing.ObservedGeneration = condition.ObservedGeneration;
            changed = true;
        }

        return changed;
    }

    /// <summary>Shorthand for <see cref="Set(IList{Condition}, Condition, DateTimeOffset)"/>.</summary>
    public static bool Set(
        IList<Condition> conditions,
        string type,
        bool? status,
        string reason,
        string message,
        long? observedGeneration,
        DateTimeOffset now) =>
        Set(
            conditions,
            new Condition
            {
                Type = type,
                Status = status switch { true => True, false => False, null => Unknown },
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
            },
            now);

    /// <summary>The condition of the type, or null.</summary>
    public static Condition? Find(IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>Removes the condition of the type; true when one was removed.</summary>
    public static bool Remove(IList<Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var existing = Find(conditions, type);
        return existing is not null && conditions.Remove(existing);
    }

    public static bool IsTrue(IEnumerable<Condition>? conditions, string type) => Find(conditions, type)?.Status == True;

    public static bool IsFalse(IEnumerable<Condition>? conditions, string type) => Find(conditions, type)?.Status == False;

    /// <summary>True when the condition is Unknown or absent.</summary>
    public static bool IsUnknown(IEnumerable<Condition>? conditions, string type) =>
        Find(conditions, type) is not { } c || c.Status == Unknown;

    /// <summary>
    /// Sets the summary <see cref="Ready"/> condition from others: True (reason <c>AllConditionsMet</c>) when every
    /// <paramref name="positive"/> type is True and no <paramref name="negative"/> type (e.g. Degraded) is True;
    /// False when a positive type is False or a negative type is True, with that condition's reason and a message
    /// naming it; Unknown (reason <c>ConditionsUnknown</c>) when a positive type is Unknown or missing.
    /// The first offending condition in argument order decides. Returns true when Ready changed.
    /// </summary>
    public static bool SetReadySummary(
        IList<Condition> conditions,
        long? observedGeneration,
        DateTimeOffset now,
        IReadOnlyList<string> positive,
        IReadOnlyList<string>? negative = null)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(positive);
        foreach (var type in negative ?? [])
        {
            if (Find(conditions, type) is { Status: True } bad)
            {
                return Set(conditions, Ready, false, bad.Reason, Describe(bad), observedGeneration, now);
            }
        }

        foreach (var type in positive)
        {
            if (Find(conditions, type) is { Status: False } bad)
            {
                return Set(conditions, Ready, false, bad.Reason, Describe(bad), observedGeneration, now);
            }
        }

        foreach (var type in positive)
        {
            if (Find(conditions, type) is not { Status: True })
            {
                return Set(conditions, Ready, null, "ConditionsUnknown", $"{type} is not known yet", observedGeneration, now);
            }
        }

        return Set(conditions, Ready, true, "AllConditionsMet", "All conditions are met", observedGeneration, now);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the condition passes the API server's validation.</summary>
    public static void Validate(Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (string.IsNullOrEmpty(condition.Type) || condition.Type.Length > 316 || !TypePattern().IsMatch(condition.Type))
        {
            throw new ArgumentException($"Condition type '{condition.Type}' is invalid: expected a CamelCase name such as Ready.", nameof(condition));
        }

        if (condition.Status is not (True or False or Unknown))
        {
            throw new ArgumentException($"Condition {condition.Type}: status '{condition.Status}' is invalid: expected True, False or Unknown.", nameof(condition));
        }

        if (string.IsNullOrEmpty(condition.Reason))
        {
            throw new ArgumentException($"Condition {condition.Type}: reason must not be empty.", nameof(condition));
        }

        if (condition.Reason.Length > 1024 || !ReasonPattern().IsMatch(condition.Reason))
        {
            throw new ArgumentException($"Condition {condition.Type}: reason '{condition.Reason}' is invalid: expected CamelCase such as NodeNotReady.", nameof(condition));
        }

        if (condition.Message is null || condition.Message.Length > 32768)
        {
            throw new ArgumentException($"Condition {condition.Type}: message must be set and at most 32768 characters.", nameof(condition));
        }

        if (condition.ObservedGeneration is < 0)
        {
            throw new ArgumentException($"Condition {condition.Type}: observedGeneration must not be negative.", nameof(condition));
        }
    }

    private static string Describe(Condition c) => c.Message.Length > 0 ? $"{c.Type}: {c.Message}" : $"{c.Type} is {c.Status}";

    // metav1.Condition's validation patterns.
    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    private static partial Regex ReasonPattern();
}
