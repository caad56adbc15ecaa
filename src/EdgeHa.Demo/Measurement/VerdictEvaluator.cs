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
    public static Verdict Evaluate(string mode, bool hot, long? predictedFailoverMs, TimeSpan readPeriod, IReadOnlyList<TransitionMeasurement> transitions, ContinuityReport continuity, string? failedStep)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(continuity);
        var checks = new List<VerdictCheck>();
        if (failedStep is not null)
        {
            checks.Add(new VerdictCheck("script completed", false, failedStep));
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
