using System.Globalization;

namespace EdgeHa.Collector;

/// <summary>
/// Sequences after the previous holder's last published one that this collector cannot replay at its promotion:
/// its buffer never had them. Either its polls missed those counter values (a poll came more than a counter step
/// late: a stall, not the handover), or its buffer does not reach back that far (it started after them, or
/// <c>--buffer-seconds</c> is shorter than the previous active lagged). Either way no collector will publish them:
/// the promotion says so (log, metric, pair Lease) instead of leaving a silent hole for the consumer to find.
/// </summary>
/// <param name="Epoch">The holding whose promotion found the gap.</param>
/// <param name="FirstMissing">The first unwrapped sequence missing.</param>
/// <param name="LastMissing">The last unwrapped sequence missing.</param>
/// <param name="OlderThanBuffer">True when the buffer starts after the recorded sequence (it never covered the gap).</param>
public sealed record PromotionGap(long Epoch, long FirstMissing, long LastMissing, bool OlderThanBuffer)
{
    public long Count => LastMissing - FirstMissing + 1;

    /// <summary>Why the collector does not have them, for the log and the Lease report.</summary>
    public string Reason => OlderThanBuffer ? "older than this collector's buffer" : "never read by this collector's polls";

    /// <summary>The Lease annotation value: <c>epoch=E sequences=F-L reason</c>.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"epoch={Epoch} sequences={FirstMissing}-{LastMissing} {(OlderThanBuffer ? "older-than-buffer" : "not-read")}");

    /// <summary>
    /// The gap between <paramref name="after"/> (the recorded sequence, in this collector's numbering) and the first
    /// buffered sample after it, or null when there is none or nothing buffered comes after it yet.
    /// </summary>
    public static PromotionGap? Find(long epoch, long after, long? oldestBuffered, long? firstBufferedAfter) =>
        firstBufferedAfter is { } first && first > after + 1
            ? new PromotionGap(epoch, after + 1, first - 1, oldestBuffered is not { } oldest || oldest > after)
            : null;
}
