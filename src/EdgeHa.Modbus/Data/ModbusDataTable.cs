namespace EdgeHa.Modbus;

/// <summary>
/// One table of a unit: a sparse set of address ranges, each backed by an array. Adjacent and overlapping ranges
/// are merged, so any access inside the union of the ranges added is served. Callers hold the unit's lock.
/// </summary>
internal sealed class ModbusDataTable<T>
    where T : struct
{
    private Segment[] _segments = [];

    public IReadOnlyList<ModbusAddressRange> Ranges => [.. _segments.Select(s => new ModbusAddressRange(s.Start, s.Values.Length))];

    public void Add(ModbusAddressRange range)
    {
        var start = range.Start;
        var end = range.End;
        var merged = new List<Segment>();
        var absorbed = new List<Segment>();
        foreach (var segment in _segments)
        {
            if (segment.Start + segment.Values.Length < start || segment.Start > end)
            {
                merged.Add(segment);
            }
            else
            {
                absorbed.Add(segment);
                start = Math.Min(start, segment.Start);
                end = Math.Max(end, segment.Start + segment.Values.Length);
            }
        }

        var values = new T[end - start];
        foreach (var segment in absorbed)
        {
            segment.Values.CopyTo(values, segment.Start - start);
        }

        merged.Add(new Segment(start, values));
        merged.Sort((a, b) => a.Start.CompareTo(b.Start));
        _segments = [.. merged];
    }

    /// <summary>The backing span for [address, address + count), or an empty span when any of it is unmapped.</summary>
    public Span<T> Find(int address, int count)
    {
        var segments = _segments;
        int lo = 0, hi = segments.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var segment = segments[mid];
            if (address < segment.Start)
            {
                hi = mid - 1;
            }
            else if (address >= segment.Start + segment.Values.Length)
            {
                lo = mid + 1;
            }
            else
            {
                var offset = address - segment.Start;
                return offset + count <= segment.Values.Length ? segment.Values.AsSpan(offset, count) : [];
            }
        }

        return [];
    }

    private sealed record Segment(int Start, T[] Values);
}
