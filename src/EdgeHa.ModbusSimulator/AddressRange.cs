namespace EdgeHa.ModbusSimulator;

/// <summary>A run of addresses that exist in one table of a unit.</summary>
/// <param name="Start">First address.</param>
/// <param name="Count">Number of addresses (1..65536 - Start).</param>
/// <param name="ReadOnly">Writes into this run answer exception 02 (only meaningful for coils and holding registers).</param>
public readonly record struct AddressRange(int Start, int Count, bool ReadOnly = false)
{
    /// <summary>Last address (inclusive).</summary>
    public int End => Start + Count - 1;

    /// <summary>True when [address, address + count) lies inside this range.</summary>
    public bool Contains(int address, int count) => address >= Start && address + count - 1 <= End;

    /// <summary>True when [address, address + count) shares at least one address with this range.</summary>
    public bool Overlaps(int address, int count) => address <= End && address + count - 1 >= Start;
}
