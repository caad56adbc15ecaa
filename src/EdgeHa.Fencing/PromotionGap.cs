using System.Globalization;

namespace EdgeHa.Fencing;

/// <summary>
/// Sequences after the previous holder's last published one that a promoted collector cannot replay:
/// its buffer never had them. Either its polls missed those counter values (a poll came more than a counter step
/// late: a stall, not the handover), or its buffer does not reach back that far (it started after them, or
/// <c>--buffer-seconds</c> is shorter than the previous active lagged). Either way the new active cannot publish them,
/// and they are lost unless the previous active delivered them after its last record (its record lags by up to a
/// renew interval): the promotion says so (log, metric, pair Lease) instead of leaving a silent hole.
/// </summary>
/// <param name="Epoch">The holding whose promotion found the gap.</param>
/// <param name="FirstMissing">The first unwrapped sequence missing.</param>
/// <param name="LastMissing">The last unwrapped sequence missing.</param>
/// <param name="OlderThanBuffer">True when the buffer starts after the recorded sequence (it never covered the gap).</param>
public sealed record PromotionGap(long Epoch, long FirstMissing, long LastMissing, bool OlderThanBuffer)
{
    public long Count => LastMissing - FirstMissing + 1;

    /// <summary>Why the collector does not have them, for the log and the Lease report.</summary>
    public string Reason => OlderThanBuffer ? "older than the collector's buffer" : "never read by the collector's polls";

    /// <summary>The value of <see cref="FencingAnnotations.PromotionGap"/>: <c>epoch=E sequences=F-L not-read|older-than-buffer</c>.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"epoch={Epoch} sequences={FirstMissing}-{LastMissing} {(OlderThanBuffer ? OlderThanBufferWord : NotReadWord)}");

    /// <summary>Reads <see cref="Format"/>'s text; null for anything else (a report, never trusted to be well formed).</summary>
    public static PromotionGap? Parse(string? text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || !parts[0].StartsWith("epoch=", StringComparison.Ordinal) || !parts[1].StartsWith("sequences=", StringComparison.Ordinal)
            || parts[2] is not (NotReadWord or OlderThanBufferWord))
        {
            return null;
        }

        var range = parts[1]["sequences=".Length..].Split('-');
        return range.Length == 2
            && long.TryParse(parts[0]["epoch=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            && long.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && long.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first <= last
            ? new PromotionGap(epoch, first, last, parts[2] == OlderThanBufferWord)
            : null;
    }

    private const string NotReadWord = "not-read";
    private const string OlderThanBufferWord = "older-than-buffer";

    /// <summary>
    /// The gap between <paramref name="after"/> (the recorded sequence, in the collector's numbering) and the first
    /// buffered sample after it, or null when there is none or nothing buffered comes after it yet.
    /// </summary>
    public static PromotionGap? Find(long epoch, long after, long? oldestBuffered, long? firstBufferedAfter) =>
        firstBufferedAfter is { } first && first > after + 1
            ? new PromotionGap(epoch, after + 1, first - 1, oldestBuffered is not { } oldest || oldest > after)
            : null;
}
