using System.Globalization;
using System.Text;

namespace EdgeHa.Demo.Scenario;

/// <summary>The one-line live status: phase, active node, epoch, each node's health, VIP target, samples read, elapsed.</summary>
public static class StatusLine
{
    public static string Format(string mode, PairSnapshot? pair, string? vipTarget, bool vipAnswering, int samples, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"[{mode} {elapsed.TotalSeconds,5:0.0}s] ");
        if (pair is null)
        {
            sb.Append("pair: no status yet");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"phase={pair.Phase ?? "-"} active={pair.ActiveNode ?? "none"} epoch={pair.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
            foreach (var node in pair.Nodes)
            {
                var health = node.Ready == false ? "down" : node.Healthy switch { true => "ok", false => "unhealthy", null => "?" };
                sb.Append(CultureInfo.InvariantCulture, $" {node.Name}:{health}");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $" vip->{vipTarget ?? "none"}{(vipAnswering ? "" : " (no answer)")} samples={samples}");
        return sb.ToString();
    }
}
