using System.Globalization;
using System.Text;

namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Renders the measured numbers of one mode as a text table, one column per transition: the VIP reader's rows, then
/// (when an MQTT subscriber measured) the subscriber's.
/// </summary>
public static class ResultsTable
{
    public static string Render(string mode, long? predictedFailoverMs, IReadOnlyList<TransitionMeasurement> transitions, ContinuityReport continuity, Verdict verdict, SubscriberReport? subscriber = null)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(continuity);
        ArgumentNullException.ThrowIfNull(verdict);
        var rows = new List<string[]>();
        var header = new List<string> { $"{mode} standby" };
        header.AddRange(transitions.Select(t => $"{Name(t.Kind)} {t.From ?? "?"} -> {t.To ?? "?"}"));
        rows.Add([.. header]);
        void Row(string name, Func<TransitionMeasurement, string> value) => rows.Add([name, .. transitions.Select(value)]);
        Row("trigger", t => t.Trigger ?? t.Kind switch
        {
            TransitionKind.Failover => $"crash of {t.From}",
            TransitionKind.Upgrade => "template change",
            _ => $"restore of {t.To}",
        });
        Row("reason (status)", t => t.Reason ?? "-");
        Row("trigger -> decision", t => Ms(t.TriggerToDecision));
        Row("detection (status)", t => t.OperatorDetectionMs is { } d ? $"{d} ms" : "-");
        Row("switch (status)", t => t.OperatorSwitchMs is { } s ? $"{s} ms" : "-");
        Row("trigger -> acting", t => Ms(t.TriggerToActing));
        Row("trigger -> data via VIP", t => Ms(t.TriggerToData));
        Row("VIP did not answer", t => $"{Math.Round(t.VipOutage.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms");
        Row("lost at handover", t => t.LostAtHandover.ToString(CultureInfo.InvariantCulture));
        Row("published, unread at crash", t => t.PublishedUnread.ToString(CultureInfo.InvariantCulture));
        Row("duplicates", t => t.Duplicates.ToString(CultureInfo.InvariantCulture));
        if (subscriber is not null)
        {
            string AtSubscriber(TransitionMeasurement t, Func<SubscriberTransition, string> value) => t.AtSubscriber is { } s ? value(s) : "-";
            Row("mqtt: received", t => AtSubscriber(t, s => s.Received.ToString(CultureInfo.InvariantCulture)));
            Row("mqtt: lost (never received)", t => AtSubscriber(t, s => s.Lost.ToString(CultureInfo.InvariantCulture)));
            Row("mqtt: raw duplicates", t => AtSubscriber(t, s => s.Duplicates.ToString(CultureInfo.InvariantCulture)));
            Row("mqtt: delivered after dedupe", t => AtSubscriber(t, s => s.Delivered.ToString(CultureInfo.InvariantCulture)));
            Row("mqtt: gap old -> new active", t => AtSubscriber(t, s => Ms(s.Gap)));
        }

        var sb = new StringBuilder();
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            var line = "  " + string.Concat(row.Select((cell, i) => cell.PadRight(widths[i] + 3)));
            sb.Append(line.TrimEnd()).Append('\n');
        }

        sb.Append(CultureInfo.InvariantCulture, $"  predicted failover (status): {(predictedFailoverMs is { } p ? $"{p} ms" : "not reported")}\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"  data: {continuity.SamplesRead} samples read, sequences {continuity.First?.ToString(CultureInfo.InvariantCulture) ?? "-"}..{continuity.Last?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({continuity.DistinctSequences} distinct) from {continuity.Stints} publishing stints; lost at handovers {continuity.LostAtHandover}, published but unread at a crash {continuity.PublishedUnread}, duplicates {continuity.Duplicates}, skipped by polling {continuity.MissedByPolling}, never read by a promoted standby {continuity.NotBufferedAtPromotion}\n");
        if (subscriber is not null)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"  mqtt: {subscriber.Received} messages received at the subscriber, sequences {subscriber.First?.ToString(CultureInfo.InvariantCulture) ?? "-"}..{subscriber.Last?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({subscriber.Delivered} delivered after dedupe on pair + sequence); raw duplicates {subscriber.Duplicates}, repeat polls of one counter value {subscriber.RepeatPolls} (same key, no delivery repeated), lost at handovers {subscriber.LostAtHandover}, skipped by polling {subscriber.SkippedByPolling}, never read by a promoted standby {subscriber.NotBufferedAtPromotion}{(subscriber.WithoutSequence > 0 ? $", {subscriber.WithoutSequence} without a sequence" : "")}\n");
        }

        foreach (var check in verdict.Checks)
        {
            var mark = check.Passed switch { true => "PASS", false => "FAIL", null => "INFO" };
            sb.Append(CultureInfo.InvariantCulture, $"  [{mark}] {check.Name}: {check.Detail}\n");
        }

        return sb.ToString();
    }

    private static string Name(TransitionKind kind) => kind switch
    {
        TransitionKind.Failover => "failover",
        TransitionKind.Upgrade => "upgrade",
        _ => "fail-back",
    };

    private static string Ms(TimeSpan? t) => t is { } v ? $"{Math.Round(v.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms" : "-";
}
