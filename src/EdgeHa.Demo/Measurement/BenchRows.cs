using System.Globalization;

namespace EdgeHa.Demo.Measurement;

/// <summary>
/// The demo's upgrade figures as rows of `make bench`'s table (figure, value, goal, met?), tab-separated after "ROW":
/// the data gap of a rolling upgrade's planned switchover, as the demo measured it at the VIP.
/// </summary>
public static class BenchRows
{
    public static IEnumerable<string> Upgrade(string mode, bool hot, IReadOnlyList<TransitionMeasurement> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var figure = $"Upgrade data gap, {mode} standby (demo, planned switchover)";
        var upgrade = transitions.FirstOrDefault(t => t.Kind == TransitionKind.Upgrade);
        if (upgrade?.FirstNewSampleAt is null)
        {
            yield return $"ROW\t{figure}\tnot measured: the demo's upgrade did not complete (see its output)\t{(hot ? "0 lost" : "measured")}\t{(hot ? "NO" : "-")}";
            yield break;
        }

        var value = string.Create(CultureInfo.InvariantCulture,
            $"{upgrade.LostAtHandover} lost, {upgrade.Duplicates} duplicates, VIP silent {Math.Round(upgrade.VipOutage.TotalMilliseconds)} ms");
        // At most one repeat: the old active's last sample can reach the broker with its PUBACK still in flight when
        // it lets go, so the new active publishes it again (at-least-once; the pair + sequence dedupe removes it).
        yield return hot
            ? $"ROW\t{figure}\t{value}\t0 lost, <= 1 duplicate\t{(upgrade.LostAtHandover == 0 && upgrade.Duplicates <= 1 ? "yes" : "NO")}"
            : $"ROW\t{figure}\t{value}\tmeasured\t-";
    }
}
