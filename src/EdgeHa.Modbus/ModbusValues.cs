namespace EdgeHa.Modbus;

/// <summary>Converts 32-bit values to and from two 16-bit registers.</summary>
public static class ModbusValues
{
    public static uint GetUInt32(ReadOnlySpan<ushort> registers, WordOrder order = WordOrder.BigEndian)
    {
        if (registers.Length < 2)
        {
            throw new ArgumentException("Two registers are needed for a 32-bit value.", nameof(registers));
        }

        return order == WordOrder.BigEndian
            ? ((uint)registers[0] << 16) | registers[1]
            : ((uint)registers[1] << 16) | registers[0];
    }

    public static void SetUInt32(Span<ushort> registers, uint value, WordOrder order = WordOrder.BigEndian)
    {
        if (registers.Length < 2)
        {
            throw new ArgumentException("Two registers are needed for a 32-bit value.", nameof(registers));
        }

        var high = (ushort)(value >> 16);
        var low = (ushort)value;
        (registers[0], registers[1]) = order == WordOrder.BigEndian ? (high, low) : (low, high);
    }

    public static int GetInt32(ReadOnlySpan<ushort> registers, WordOrder order = WordOrder.BigEndian) =>
        unchecked((int)GetUInt32(registers, order));

    public static void SetInt32(Span<ushort> registers, int value, WordOrder order = WordOrder.BigEndian) =>
        SetUInt32(registers, unchecked((uint)value), order);

    public static float GetSingle(ReadOnlySpan<ushort> registers, WordOrder order = WordOrder.BigEndian) =>
        BitConverter.UInt32BitsToSingle(GetUInt32(registers, order));

    public static void SetSingle(Span<ushort> registers, float value, WordOrder order = WordOrder.BigEndian) =>
        SetUInt32(registers, BitConverter.SingleToUInt32Bits(value), order);

    public static ushort[] FromUInt32(uint value, WordOrder order = WordOrder.BigEndian)
    {
        var registers = new ushort[2];
        SetUInt32(registers, value, order);
        return registers;
    }

    public static ushort[] FromInt32(int value, WordOrder order = WordOrder.BigEndian)
    {
        var registers = new ushort[2];
        SetInt32(registers, value, order);
        return registers;
    }

    public static ushort[] FromSingle(float value, WordOrder order = WordOrder.BigEndian)
    {
        var registers = new ushort[2];
        SetSingle(registers, value, order);
        return registers;
    }
}
