using System.Globalization;

namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Judges a run against the pair's own promise and the continuity goal. Failover: the first sample of the new
/// active must arrive through the VIP within status.predictedFailoverMilliseconds (plus the read period, the demo's
/// resolution). Continuity: hot standby must lose no device sequence number at any handover; cold standby's gap is
/// measured and reported, not required to be zero. Samples a collector's own polling skipped are reported, never hidden.
/// At the MQTT subscriber (when one measured), after the pair + sequence dedupe: hot standby must lose nothing at
/// any transition; raw duplicates are reported next to the issue's goal (at most one renew interval's worth of
/// samples per failover: what the old active published after its last record in the Lease); cold is reported.
/// </summary>
public static class VerdictEvaluator
{
    public static Verdict Evaluate(string mode, bool hot, long? predictedFailoverMs, TimeSpan readPeriod, IReadOnlyList<TransitionMeasurement> transitions, ContinuityReport continuity, string? failedStep, CreationMeasurement? creation = null, SubscriberReport? subscriber = null, TimeSpan? renewInterval = null)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(continuity);
        var checks = new List<VerdictCheck>();
        if (failedStep is not null)
        {
            checks.Add(new VerdictCheck("script completed", false, failedStep));
        }

        if (creation is not null)
        {
            checks.Add(new VerdictCheck("created without a flip", creation.WithoutFlip,
                creation.WithoutFlip
                    ? $"first active {creation.Primary} at epoch 1, no other placement before the crash"
                    : $"expected only {creation.Primary} at epoch 1 before the crash; status showed {creation.Describe()}"));
        }

        var failovers = transitions.Where(t => t.Kind == TransitionKind.Failover).ToList();
        if (predictedFailoverMs is not { } predicted)
        {
            checks.Add(new VerdictCheck("failover within predicted time", false, "status.predictedFailoverMilliseconds was never reported"));
        }
        else if (failovers.Count == 0)
        {
            checks.Add(new VerdictCheck("failover within predicted time", false, "no failover was measured"));
        }
        else
        {
            var limit = TimeSpan.FromMilliseconds(predicted) + readPeriod;
            foreach (var f in failovers)
            {
                var seen = f.TriggerToData;
                var ok = seen is { } s && s <= limit;
                var detail = seen is { } v
                    ? $"crash -> first sample of {f.To ?? "?"} via VIP {Ms(v)} ms, limit {Ms(limit)} ms (predicted {predicted} + read period {Ms(readPeriod)})"
                    : $"no sample of the new active was read through the VIP (predicted {predicted} ms)";
                checks.Add(new VerdictCheck("failover within predicted time", ok, detail));
            }
        }

        var handovers = transitions.Sum(t => t.LostAtHandover);
        if (hot)
        {
            checks.Add(new VerdictCheck("hot standby: zero lost samples", continuity.LostAtHandover == 0 && continuity.SamplesRead > 0,
                continuity.SamplesRead == 0 ? "no samples were read" : $"{continuity.LostAtHandover} sequence numbers lost at handovers, {continuity.Duplicates} duplicates (counted, allowed)"));
        }
        else
        {
            checks.Add(new VerdictCheck("cold standby: data gap (measured, not required to be zero)", null,
                $"{handovers} sequence numbers lost at handovers, {continuity.Duplicates} duplicates"));
        }

        // With an MQTT sink a sample counts as published at its PUBACK, and the collector sends one at a time: the old
        // active waits up to 1 s for the PUBACK in flight before it releases; if that runs out, the sample is not in its
        // record and the new active sends it again (at-least-once). Without a sink a sample is published when taken.
        var inFlight = subscriber is null ? 0 : 1;
        foreach (var u in transitions.Where(t => t.Kind == TransitionKind.Upgrade))
        {
            var detail = $"{u.From ?? "?"} -> {u.To ?? "?"}: {u.LostAtHandover} lost, {u.Duplicates} duplicates, VIP did not answer for {Ms(u.VipOutage)} ms";
            checks.Add(hot
                ? new VerdictCheck(inFlight == 0 ? "hot standby upgrade: planned switchover loses and repeats nothing" : "hot standby upgrade: planned switchover loses nothing, repeats at most the sample whose PUBACK was in flight",
                    u.LostAtHandover == 0 && u.Duplicates <= inFlight && u.FirstNewSampleAt is not null, u.FirstNewSampleAt is null ? "no sample of the upgraded standby was read through the VIP" : detail)
                : new VerdictCheck("cold standby upgrade: gap of one planned start (measured)", null, detail));
        }

        if (continuity.PublishedUnread > 0)
        {
            checks.Add(new VerdictCheck("published just before a switch, not read through the VIP", null,
                $"{continuity.PublishedUnread} sequence numbers the previous active had published (recorded in the pair Lease, or received at the MQTT subscriber) but that were not read through the VIP before the switch; the new active rightly publishes after them"));
        }

        if (subscriber is not null)
        {
            AddSubscriberChecks(checks, hot, transitions, subscriber, renewInterval);
        }

        checks.Add(new VerdictCheck("collector polling kept up with the device", null,
            (continuity.MissedByPolling == 0 ? "no counter value skipped inside one collector's stream" : $"{continuity.MissedByPolling} counter values skipped inside one collector's stream (polling stalls, not a failover loss)")
            + (continuity.NotBufferedAtPromotion > 0 || subscriber?.NotBufferedAtPromotion > 0
                ? $"; {Math.Max(continuity.NotBufferedAtPromotion, subscriber?.NotBufferedAtPromotion ?? 0)} counter values after the previous active's last were never read by the new active's standby polls (it reported them on the pair Lease, edgeha.io/promotion-gap): lost to the consumer by polling, not by the handover"
                : "")));
        return new Verdict(mode, checks);
    }

    private static void AddSubscriberChecks(List<VerdictCheck> checks, bool hot, IReadOnlyList<TransitionMeasurement> transitions, SubscriberReport subscriber, TimeSpan? renewInterval)
    {
        string Each(Func<TransitionMeasurement, SubscriberTransition, string> value) =>
            string.Join(", ", transitions.Select(t => $"{Name(t)} {(t.AtSubscriber is { } s ? value(t, s) : "-")}"));

        var missing = transitions.Where(t => t.AtSubscriber?.FirstNewAt is null).Select(Name).ToList();
        var lost = Each((_, s) => $"{s.Lost} lost");
        var detail = subscriber.Received == 0 ? "no message was received"
            : $"{lost}; {subscriber.Delivered} delivered after dedupe"
              + (missing.Count > 0 ? $"; no message from the new active at {string.Join(", ", missing)}" : "");
        checks.Add(hot
            ? new VerdictCheck("hot standby at the MQTT subscriber: zero lost after dedupe", subscriber.Received > 0 && missing.Count == 0 && subscriber.LostAtHandover == 0, detail)
            : new VerdictCheck("cold standby at the MQTT subscriber: data gap (measured)", null,
                $"{Each((_, s) => $"{s.Lost} lost, gap {(s.Gap is { } g ? Ms(g) + " ms" : "-")}")}; {subscriber.Delivered} delivered after dedupe"));

        var goal = renewInterval is { } r && subscriber.SequencesPerSecond is { } rate
            ? $"; goal per failover: at most one renew interval's worth, {r.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms x {rate.ToString("0.0", CultureInfo.InvariantCulture)}/s = {Math.Ceiling(r.TotalSeconds * rate).ToString(CultureInfo.InvariantCulture)}"
            : "";
        checks.Add(new VerdictCheck("raw duplicates at the MQTT subscriber (removed by the pair + sequence dedupe)", null,
            $"{Each((_, s) => s.Duplicates.ToString(CultureInfo.InvariantCulture))}; {subscriber.Duplicates} in all{goal}"));
    }

    private static string Name(TransitionMeasurement t) => t.Kind switch
    {
        TransitionKind.Failover => "crash",
        TransitionKind.Upgrade => "upgrade",
        _ => "fail-back",
    };

    private static string Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
