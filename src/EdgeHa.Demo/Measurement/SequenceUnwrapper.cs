namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Maps the device's 16-bit sequence register (65535 wraps to 0) onto an unbounded line, so gaps and repeats can be
/// counted across wraps. Each value is placed at the point nearest to the highest value seen so far (serial number
/// arithmetic): up to half the ring ahead counts as after it, the rest as before it (an older sample read again).
/// </summary>
public sealed class SequenceUnwrapper
{
    /// <summary>The size of the device counter's ring.</summary>
    public const int Ring = 0x10000;

    private long? _highest;

    /// <summary>The unwrapped position of <paramref name="sequence"/> (0..65535); the first value maps to itself.</summary>
    public long Unwrap(int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, Ring - 1);
        if (_highest is not { } highest)
        {
            _highest = sequence;
            return sequence;
        }

        var highestRaw = (int)(((highest % Ring) + Ring) % Ring);
        var forward = (sequence - highestRaw) & (Ring - 1);
        var value = forward < Ring / 2 ? highest + forward : highest - (Ring - forward);
        if (value > highest)
        {
            _highest = value;
        }

        return value;
    }
}
