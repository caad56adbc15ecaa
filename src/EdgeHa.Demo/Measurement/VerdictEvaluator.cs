using System.Globalization;

namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Judges a run against the pair's own promise and the continuity goal. Failover: the first sample of the new
/// active must arrive through the VIP within status.predictedFailoverMilliseconds (plus the read period, the demo's
/// resolution). Continuity: hot standby must lose no device sequence number at any handover; cold standby's gap is
/// measured and reported, not required to be zero. Samples a collector's own polling skipped are reported, never hidden.
/// </summary>
public static class VerdictEvaluator
{
    public static Verdict Evaluate(string mode, bool hot, long? predictedFailoverMs, TimeSpan readPeriod, IReadOnlyList<TransitionMeasurement> transitions, ContinuityReport continuity, string? failedStep, CreationMeasurement? creation = null)
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

        foreach (var u in transitions.Where(t => t.Kind == TransitionKind.Upgrade))
        {
            var detail = $"{u.From ?? "?"} -> {u.To ?? "?"}: {u.LostAtHandover} lost, {u.Duplicates} duplicates, VIP did not answer for {Ms(u.VipOutage)} ms";
            checks.Add(hot
                ? new VerdictCheck("hot standby upgrade: planned switchover loses and repeats nothing", u.LostAtHandover == 0 && u.Duplicates == 0 && u.FirstNewSampleAt is not null, u.FirstNewSampleAt is null ? "no sample of the upgraded standby was read through the VIP" : detail)
                : new VerdictCheck("cold standby upgrade: gap of one planned start (measured)", null, detail));
        }

        if (continuity.PublishedUnread > 0)
        {
            checks.Add(new VerdictCheck("published just before a crash, not read", null,
                $"{continuity.PublishedUnread} sequence numbers the crashed collector had published and recorded in the pair Lease, but that were not read through the VIP before it died; the new active rightly publishes after them"));
        }

        checks.Add(new VerdictCheck("collector polling kept up with the device", null,
            continuity.MissedByPolling == 0 ? "no counter value skipped inside one collector's stream" : $"{continuity.MissedByPolling} counter values skipped inside one collector's stream (polling stalls, not a failover loss)"));
        return new Verdict(mode, checks);
    }

    private static string Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
