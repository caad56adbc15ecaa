using System.Globalization;

namespace EdgeHa.Hosting;

/// <summary>
/// Durations as every program's flags take them, with Go's time.ParseDuration grammar (the one kubectl, Kubernetes
/// components and Helm values use): <c>[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+</c>, or a bare 0. No spaces,
/// no other units; a sign is allowed, so callers that need a positive duration check that themselves.
/// </summary>
public static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>; false with no exception on anything that is not a Go duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        var totalMs = 0.0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            var sawDigit = false;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                sawDigit |= char.IsAsciiDigit(s[digits]);
                digits++;
            }

            // A number needs a digit, and at most one decimal point (".5s" and "1.s" are Go durations; "." is not).
            if (!sawDigit || s[..digits].Count('.') > 1
                || !double.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[digits..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            double? unitMs = s[..unitLength] switch
            {
                "ns" => 1e-6,
                "us" or "µs" or "μs" => 1e-3,
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null, // a missing unit, an unknown one, or a space
            };
            if (unitMs is null)
            {
                return false;
            }

            totalMs += number * unitMs.Value;
            s = s[unitLength..];
        }

        // Go's Duration is an int64 of nanoseconds (about 292 years): larger values are an error there, here too.
        if (totalMs > long.MaxValue / 1e6)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(negative ? -totalMs : totalMs);
        return true;
    }
}
