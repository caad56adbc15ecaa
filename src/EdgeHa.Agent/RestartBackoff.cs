namespace EdgeHa.Agent;

/// <summary>
/// How long to wait before starting a crashed collector again: <see cref="Initial"/> doubled per consecutive crash up
/// to <see cref="Max"/>, with up to 10 % jitter so that many agents do not restart in step; a collector that ran for
/// <see cref="ResetAfter"/> counts as healthy and its next crash starts the count again. Kubelet's CrashLoopBackOff
/// (10 s to 5 min, reset after 10 min) with a shorter start, since the active collector's downtime is lost data.
/// </summary>
internal sealed record RestartBackoff(TimeSpan Initial, TimeSpan Max, TimeSpan ResetAfter)
{
    public static RestartBackoff CrashLoop { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

    /// <summary>The wait before restart number <paramref name="crash"/> (1-based); <paramref name="jitter"/> in [0, 1).</summary>
    public TimeSpan Delay(int crash, double jitter)
    {
        var doubled = Initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(crash - 1, 0, 30));
        var capped = Math.Min(doubled, Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (0.1 * jitter)));
    }
}
