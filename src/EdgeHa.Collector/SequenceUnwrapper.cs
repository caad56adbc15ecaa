using EdgeHa.Fencing;

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

        var next = Nearest(sequence, last);
        if (next < 0)
        {
            next = sequence; // a step back before the first wrap: keep the raw value
        }

        _last = next;
        return next;
    }

    /// <summary>
    /// Takes in a sequence another collector recorded (the previous holder's, from the pair Lease) and returns it in
    /// this collector's numbering: the value with the same 16-bit register value nearest the last one seen here. The
    /// two numberings differ by whole wraps when one collector started after a wrap the other saw. When the recorded
    /// numbering is ahead, this one moves up to it (<paramref name="shift"/> &gt; 0), so the pair's sequence continues
    /// past what the previous holder published instead of reusing keys a consumer already has; it never moves down
    /// (a value recorded as the raw register by an older collector stays behind). Before any sample the recorded
    /// value becomes the starting point.
    /// </summary>
    public long Align(long recorded, out long shift)
    {
        shift = 0;
        if (_last is not { } last)
        {
            _last = recorded;
            return recorded;
        }

        var local = Nearest(PublishedSequence.DeviceValue(recorded), last);
        if (recorded > local)
        {
            shift = recorded - local;
            _last = last + shift;
            return recorded;
        }

        return local;
    }

    /// <summary>The value with 16-bit register value <paramref name="sequence"/> nearest <paramref name="last"/> on the ring.</summary>
    private static long Nearest(int sequence, long last)
    {
        var lastLow = (int)(last & 0xFFFF);
        var delta = (sequence - lastLow) & 0xFFFF; // forward distance on the ring
        return delta < 0x8000 ? last + delta : last - (0x10000 - delta);
    }
}
