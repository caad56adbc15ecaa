namespace EdgeHa.Demo.Data;

/// <summary>Settings of <see cref="VipSampleReader"/>.</summary>
public sealed class VipReaderOptions
{
    /// <summary>Time between reads; also the resolution of the VIP outage measurement.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A read that has not answered by then counts as the VIP not answering.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>
    /// When a new collector starts answering, how far back (in time read) the first read asks from, so samples it
    /// publishes again (duplicates) are seen and counted.
    /// </summary>
    public TimeSpan OverlapWindow { get; set; } = TimeSpan.FromSeconds(10);
}
