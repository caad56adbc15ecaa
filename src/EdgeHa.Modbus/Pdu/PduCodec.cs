using System.Buffers.Binary;

namespace EdgeHa.Modbus;

/// <summary>Byte-level helpers shared by the PDU types.</summary>
internal static class PduCodec
{
    public static int ByteCountForBits(int bits) => (bits + 7) / 8;

    public static ushort ReadUInt16(ReadOnlySpan<byte> source, int offset) => BinaryPrimitives.ReadUInt16BigEndian(source[offset..]);

    public static void WriteUInt16(Span<byte> destination, int offset, int value) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)value);

    /// <summary>Packs bits LSB first; unused high bits of the last byte are zero, as the spec asks.</summary>
    public static void PackBits(ReadOnlySpan<bool> bits, Span<byte> destination)
    {
        destination[..ByteCountForBits(bits.Length)].Clear();
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                destination[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    public static bool[] UnpackBits(ReadOnlySpan<byte> source, int count)
    {
        var bits = new bool[count];
        for (var i = 0; i < count; i++)
        {
            bits[i] = (source[i >> 3] & (1 << (i & 7))) != 0;
        }

        return bits;
    }

    public static void WriteRegisters(ReadOnlySpan<ushort> values, Span<byte> destination)
    {
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * i)..], values[i]);
        }
    }

    public static ushort[] ReadRegisters(ReadOnlySpan<byte> source, int count)
    {
        var values = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16BigEndian(source[(2 * i)..]);
        }

        return values;
    }

    public static void CheckQuantity(int quantity, int max, string name)
    {
        if (quantity < 1 || quantity > max)
        {
            throw new ArgumentOutOfRangeException(name, quantity, $"Quantity must be between 1 and {max}.");
        }
    }

    public static ModbusProtocolException Malformed(ModbusFunctionCode function, string what) =>
        new($"Malformed {function} response: {what}.");
}
