using System.Globalization;
using EdgeHa.Kube.Models;

namespace EdgeHa.Fencing;

/// <summary>The timing a holder keeps: how long a renewal lasts, how often to renew, the skew margin, and how long one API call may take.</summary>
public sealed record LeaseTerms(TimeSpan Duration, TimeSpan RenewInterval, TimeSpan ClockSkewMargin)
{
    /// <summary>
    /// How long one renewal request may take, when the operator set it; otherwise <see cref="EffectiveRequestTimeout"/>
    /// derives it from the other terms.
    /// </summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>
    /// The request timeout in force: the one set, or a third of what the acting window leaves after the renew
    /// interval. A holder keeps acting without a gap only while a renewal can fail once and the next one still succeed
    /// inside the window: renew interval + 2 x request timeout &lt; acting window (<see cref="IsValid"/>).
    /// </summary>
    public TimeSpan EffectiveRequestTimeout => RequestTimeout ?? (ActingWindow - RenewInterval) / 3;

    /// <summary>The defaults of the RedundantPair API (3000 ms, 1000 ms, 500 ms).</summary>
    public static LeaseTerms Default { get; } = new(TimeSpan.FromMilliseconds(3000), TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(500));

    /// <summary>
    /// How long after a renewal was sent the holder may act: the duration less the margin. The grantor counts the
    /// lease from when it saw the renewal, which is later, and adds the margin, so the two windows never overlap
    /// while clock rates differ by less than margin / duration.
    /// </summary>
    public TimeSpan ActingWindow => Duration - ClockSkewMargin;

    /// <summary>Reads the terms the operator wrote on the Lease, falling back to <paramref name="fallback"/> per field.</summary>
    public static LeaseTerms FromLease(Lease lease, LeaseTerms fallback)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(fallback);
        var annotations = lease.Metadata.Annotations;
        var duration = Milliseconds(annotations, FencingAnnotations.LeaseDurationMilliseconds)
            ?? (lease.Spec?.LeaseDurationSeconds is int s and > 0 ? TimeSpan.FromSeconds(s) : fallback.Duration);
        var renew = Milliseconds(annotations, FencingAnnotations.RenewIntervalMilliseconds) ?? fallback.RenewInterval;
        var margin = Milliseconds(annotations, FencingAnnotations.ClockSkewMarginMilliseconds) ?? fallback.ClockSkewMargin;
        var timeout = Milliseconds(annotations, FencingAnnotations.RequestTimeoutMilliseconds);
        var terms = new LeaseTerms(duration, renew, margin) { RequestTimeout = timeout };
        return terms.IsValid ? terms : fallback;
    }

    /// <summary>Writes these terms onto a Lease (annotations plus leaseDurationSeconds rounded up).</summary>
    public void WriteTo(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var annotations = lease.Metadata.Annotations ??= new Dictionary<string, string>();
        annotations[FencingAnnotations.LeaseDurationMilliseconds] = ((long)Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        annotations[FencingAnnotations.RenewIntervalMilliseconds] = ((long)RenewInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        annotations[FencingAnnotations.ClockSkewMarginMilliseconds] = ((long)ClockSkewMargin.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        // Only a timeout that was set is written: the holder derives the default from the other terms as we do, and
        // the terms read back compare equal to the spec's (the operator patches terms only when they differ).
        if (RequestTimeout is { } timeout)
        {
            annotations[FencingAnnotations.RequestTimeoutMilliseconds] = ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            annotations.Remove(FencingAnnotations.RequestTimeoutMilliseconds);
        }
        (lease.Spec ??= new LeaseSpec()).LeaseDurationSeconds = (int)Math.Ceiling(Duration.TotalSeconds);
    }

    /// <summary>
    /// The margin must leave an acting window, and renewing must keep the holding alive through one failed call:
    /// renew interval + 2 x request timeout &lt; duration - margin.
    /// </summary>
    public bool IsValid => RenewInterval > TimeSpan.Zero && ClockSkewMargin >= TimeSpan.Zero && ClockSkewMargin < Duration
        && EffectiveRequestTimeout > TimeSpan.Zero && RenewInterval + (2 * EffectiveRequestTimeout) < ActingWindow;

    private static TimeSpan? Milliseconds(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}
