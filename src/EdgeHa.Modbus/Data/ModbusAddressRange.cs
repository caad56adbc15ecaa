namespace EdgeHa.Modbus;

/// <summary>A contiguous run of addresses in one table: <see cref="Start"/> and <see cref="Count"/> (1..65536).</summary>
public readonly record struct ModbusAddressRange
{
    public ModbusAddressRange(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, 65536, nameof(count));
        Start = start;
        Count = count;
    }

    public int Start { get; }

    public int Count { get; }

    /// <summary>One past the last address.</summary>
    public int End => Start + Count;

    public bool Contains(int address, int count) => address >= Start && address + count <= End;

    public override string ToString() => $"{Start}..{End - 1}";
}
