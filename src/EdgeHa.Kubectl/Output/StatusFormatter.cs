using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeHa.Api;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kubectl.Output;

/// <summary>Renders <see cref="PairSummary"/> values: a describe-style page for one pair, a table for many, or JSON.</summary>
internal static class StatusFormatter
{
    private const int LabelWidth = 21;

    private static readonly JsonSerializerOptions JsonOptions = new(KubeJson.Options)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The page for one pair. Ages are measured at <paramref name="now"/>.</summary>
    public static void WriteDetail(TextWriter w, PairSummary pair, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(pair);
        Field(w, "Name:", pair.Name);
        Field(w, "Namespace:", pair.Namespace);
        Field(w, "Phase:", pair.Phase?.ToString() ?? "Unknown (the operator has not reported a status yet)");
        Field(w, "Active node:", pair.ActiveNode ?? "none");
        Field(w, "Epoch:", pair.Epoch is { } epoch ? Num(epoch) : "-");
        Field(w, "Primary node:", pair.PrimaryNode);
        Field(w, "Standby node:", pair.StandbyNode);
        Field(w, "Standby mode:", pair.StandbyMode.ToString());
        Field(w, "Failback:", pair.Failback.ToString());
        Field(w, "Paused:", pair.Paused ? "true (no automatic action; kubectl edgeha resume " + pair.Name + ")" : "false");
        Field(w, "Age:", HumanDuration.Age(pair.CreationTimestamp, now));

        w.WriteLine("Nodes:");
        // RESTARTS as kubectl get pods shows them; a crash loop's reason leads its message (CrashLoopBackOff: ...).
        var nodes = new TextTable("NODE", "ROLE", "READY", "HEALTHY", "FAILURES", "RESTARTS", "LAST PROBE", "MESSAGE");
        foreach (var node in pair.Nodes)
        {
            nodes.AddRow(
                node.Name,
                node.Role?.ToString() ?? "-",
                Bool(node.Ready),
                Bool(node.Healthy),
                node.ConsecutiveFailures is { } f ? Num(f) : "-",
                node.RestartCount is { } r ? Num(r) : "-",
                node.LastProbeTime is { } probed ? HumanDuration.Age(now - probed) + " ago" : "-",
                node.Message);
        }

        nodes.Write(w, "  ");

        Field(w, "VIP:", Vip(pair.Vip));

        if (pair.LastFailover is { } last)
        {
            Field(w, "Last failover:", last.Time is { } at ? HumanDuration.Age(now - at) + " ago" : "time unknown");
            Field(w, "  Reason:", last.Reason ?? "-");
            Field(w, "  From:", last.From ?? "-");
            Field(w, "  To:", last.To ?? "-");
            Field(w, "  Detection:", last.DetectionMilliseconds is { } d ? HumanDuration.Milliseconds(d) : "-");
            Field(w, "  Switch:", last.SwitchMilliseconds is { } s ? HumanDuration.Milliseconds(s) : "-");
        }
        else
        {
            Field(w, "Last failover:", "none");
        }

        Field(w, "Failover count:", Num(pair.FailoverCount));
        Field(w, "Predicted failover:", pair.PredictedFailoverMilliseconds is { } p ? HumanDuration.Milliseconds(p) : "-");
        if (Switchover(pair, now) is { } switchover)
        {
            Field(w, "Switchover:", switchover);
        }

        if (pair.Rollout is { Phase: { } rolloutPhase } rollout)
        {
            // Progressing: standby upgraded first, then a planned switchover, then the former active.
            var updated = rollout.UpdatedNodes is { Count: > 0 } u ? string.Join(", ", u) : "none";
            Field(w, "Collector rollout:", $"{rolloutPhase} (template {rollout.TemplateHash ?? "-"}; updated: {updated})" + (rollout.Message is { Length: > 0 } m ? ": " + m : ""));
        }

        if (pair.Conditions.Count == 0)
        {
            Field(w, "Conditions:", "none reported");
            return;
        }

        w.WriteLine("Conditions:");
        var conditions = new TextTable("TYPE", "STATUS", "REASON", "AGE", "MESSAGE");
        foreach (var c in pair.Conditions)
        {
            conditions.AddRow(c.Type, c.Status, c.Reason, HumanDuration.Age(now - c.LastTransitionTime), c.Message);
        }

        conditions.Write(w, "  ");
    }

    /// <summary>One row per pair, sorted by namespace and name; a NAMESPACE column when <paramref name="withNamespace"/>.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<PairSummary> pairs, bool withNamespace, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(pairs);
        string[] headers = ["NAME", "PHASE", "ACTIVE", "PRIMARY", "STANDBY", "MODE", "VIP", "READY", "EPOCH", "FAILOVERS", "LAST FAILOVER", "AGE"];
        var table = new TextTable(withNamespace ? ["NAMESPACE", .. headers] : headers);
        foreach (var p in pairs.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            var last = p.LastFailover is { } t
                ? $"{t.Reason ?? "?"} {(t.Time is { } at ? HumanDuration.Age(now - at) + " ago" : "")}".TrimEnd()
                : "-";
            string?[] cells =
            [
                p.Name,
                p.Phase?.ToString() ?? "-",
                p.ActiveNode ?? "-",
                p.PrimaryNode,
                p.StandbyNode,
                p.Paused ? p.StandbyMode + ",Paused" : p.StandbyMode.ToString(),
                p.Vip?.Address ?? "-",
                p.ConditionStatus("Ready") ?? "-",
                p.Epoch is { } e ? Num(e) : "-",
                Num(p.FailoverCount),
                last,
                HumanDuration.Age(p.CreationTimestamp, now),
            ];
            table.AddRow(withNamespace ? [p.Namespace, .. cells] : cells);
        }

        table.Write(w);
    }

    /// <summary>One pair as an indented JSON object (camelCase, RFC 3339 times, nulls written).</summary>
    public static void WriteJson(TextWriter w, PairSummary pair)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine(JsonSerializer.Serialize(pair, JsonOptions));
    }

    /// <summary>Many pairs as <c>{"items": [...]}</c>, sorted by namespace and name.</summary>
    public static void WriteJson(TextWriter w, IEnumerable<PairSummary> pairs)
    {
        ArgumentNullException.ThrowIfNull(w);
        var items = pairs.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        w.WriteLine(JsonSerializer.Serialize(new { items }, JsonOptions));
    }

    private static string Vip(VipSummary? vip)
    {
        if (vip is null)
        {
            return "none";
        }

        var text = $"{vip.Address ?? "no address"} ({vip.Provider})";
        if (vip.AnnouncedBy is not null)
        {
            return text + ", announced by " + vip.AnnouncedBy;
        }

        return vip.Provider == VipProvider.None ? text : text + ", not announced";
    }

    private static string? Switchover(PairSummary pair, DateTimeOffset now)
    {
        var ack = pair.Switchover;
        var acknowledged = ack?.AcknowledgedAt is not null && ack.RequestedTo == pair.SwitchoverRequestedTo;
        if (pair.SwitchoverRequestedTo is { } target && !acknowledged)
        {
            return $"to {target} requested, not yet acknowledged by the operator";
        }

        if (ack?.RequestedTo is { } to)
        {
            var when = ack.AcknowledgedAt is { } at ? $" {HumanDuration.Age(now - at)} ago" : "";
            return $"to {to}: {ack.Result ?? "acknowledged"}{when}";
        }

        return null;
    }

    private static void Field(TextWriter w, string label, string value) => w.WriteLine(label.PadRight(LabelWidth) + value);

    private static string Bool(bool? value) => value switch
    {
        true => "True",
        false => "False",
        null => "Unknown",
    };

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
