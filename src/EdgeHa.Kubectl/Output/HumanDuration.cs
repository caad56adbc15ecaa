using System.Globalization;

namespace EdgeHa.Kubectl.Output;

/// <summary>Durations for people: ages the way kubectl prints them, and measured milliseconds with their precision.</summary>
internal static class HumanDuration
{
    /// <summary>
    /// An age as kubectl's AGE column prints it (k8s.io/apimachinery duration.HumanDuration): "45s", "3m20s",
    /// "25m", "5h3m", "2d4h", "1y30d". A time up to 2 s in the future counts as now (clock skew).
    /// </summary>
    public static string Age(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds; // truncated toward zero, as Go's int(d.Seconds())
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var days = hours / 24 % 365;
            return days == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{days}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    /// <summary>The age of <paramref name="time"/> at <paramref name="now"/>, or "-" when the time is unknown.</summary>
    public static string Age(DateTimeOffset? time, DateTimeOffset now) => time is { } t ? Age(now - t) : "-";

    /// <summary>
    /// A measured duration in milliseconds, keeping the precision that matters for failover numbers:
    /// "84ms", "3.012s", "1m5.5s", "2h0m3s".
    /// </summary>
    public static string Milliseconds(long ms)
    {
        if (ms < 0)
        {
            return "-" + Milliseconds(-ms);
        }

        if (ms < 1000)
        {
            return Invariant($"{ms}ms");
        }

        var seconds = ms / 1000;
        var fraction = ms % 1000;
        var secondsText = fraction == 0
            ? Invariant($"{seconds % 60}")
            : Invariant($"{seconds % 60}.{fraction:000}").TrimEnd('0');
        if (seconds < 60)
        {
            return secondsText + "s";
        }

        var minutes = seconds / 60;
        return minutes < 60
            ? Invariant($"{minutes}m{secondsText}s")
            : Invariant($"{minutes / 60}h{minutes % 60}m{secondsText}s");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
