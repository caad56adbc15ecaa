namespace EdgeHa.Collector;

/// <summary>
/// Turns the device's 16-bit sequence (65535 wraps to 0) into a 64-bit one by counting wraps: a value more than half
/// the ring behind the previous one is taken as a wrap. Per collector and not thread-safe (the engine calls it
/// under its lock). An outage longer than half the ring (32768 counts) cannot be told from a step back.
/// </summary>
internal sealed class SequenceUnwrapper
{
    private long? _last;

    public long Unwrap(int sequence)
    {
        if (_last is not { } last)
        {
            _last = sequence;
            return sequence;
        }

        var lastLow = (int)(last & 0xFFFF);
        var delta = (sequence - lastLow) & 0xFFFF; // forward distance on the ring
        var next = delta < 0x8000 ? last + delta : last - (0x10000 - delta);
        if (next < 0)
        {
            next = sequence; // a step back before the first wrap: keep the raw value
        }

        _last = next;
        return next;
    }
}
