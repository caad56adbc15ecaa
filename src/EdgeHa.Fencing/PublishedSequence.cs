using System.Globalization;

namespace EdgeHa.Fencing;

/// <summary>
/// The last published sequence as the pair Lease records it (<see cref="FencingAnnotations.LastPublishedSequence"/>):
/// the device's 16-bit sequence counter unwrapped to 64 bits by the holder, so it keeps growing past 65535. Holders
/// that recorded the raw 16-bit register wrote values 0..65535; those parse the same and agree with the 64-bit value
/// modulo 65536, which is all that a reader comparing with device values may use (<see cref="DeviceValue"/>).
/// The one place where the annotation is parsed and written.
/// </summary>
public static class PublishedSequence
{
    /// <summary>The recorded sequence, or null when none is recorded or the text is not a non-negative integer.</summary>
    public static long? Parse(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The sequence recorded on a Lease's annotations, or null.</summary>
    public static long? FromAnnotations(IDictionary<string, string>? annotations) =>
        annotations is not null && annotations.TryGetValue(FencingAnnotations.LastPublishedSequence, out var text) ? Parse(text) : null;

    /// <summary>The annotation text for <paramref name="sequence"/>.</summary>
    public static string Format(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>The device's 16-bit register value behind a recorded sequence (65537 was register value 1).</summary>
    public static int DeviceValue(long sequence) => (int)(sequence & 0xFFFF);
}
