using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>Turns a numeric value into the registers (or bit) of a typed point.</summary>
public static class PointEncoder
{
    /// <summary>
    /// Writes <paramref name="value"/> as <paramref name="point"/>'s type into <paramref name="registers"/>
    /// (length = point.Length). Integers are rounded; with <paramref name="wrap"/> they wrap around the type's width
    /// (counters: 65535 + 1 = 0), otherwise they saturate at the type's limits.
    /// </summary>
    public static void Encode(PointDefinition point, double value, bool wrap, Span<ushort> registers)
    {
        switch (point.Type)
        {
            case PointType.Bool:
                registers[0] = value != 0 ? (ushort)1 : (ushort)0;
                break;
            case PointType.Int16:
                registers[0] = unchecked((ushort)(short)ToInteger(value, wrap, short.MinValue, short.MaxValue, 16));
                break;
            case PointType.UInt16:
                registers[0] = unchecked((ushort)ToInteger(value, wrap, ushort.MinValue, ushort.MaxValue, 16));
                break;
            case PointType.Int32:
                ModbusValues.SetInt32(registers, unchecked((int)ToInteger(value, wrap, int.MinValue, int.MaxValue, 32)), point.WordOrder);
                break;
            case PointType.UInt32:
                ModbusValues.SetUInt32(registers, unchecked((uint)ToInteger(value, wrap, uint.MinValue, uint.MaxValue, 32)), point.WordOrder);
                break;
            case PointType.Float32:
                ModbusValues.SetSingle(registers, (float)value, point.WordOrder);
                break;
            default:
                throw new ArgumentException($"{point.Type} is not numeric", nameof(point));
        }
    }

    /// <summary>Writes ASCII text two characters per register, first character in the high byte, NUL padded.</summary>
    public static void EncodeText(string text, Span<ushort> registers)
    {
        registers.Clear();
        for (var i = 0; i < text.Length && i / 2 < registers.Length; i++)
        {
            registers[i / 2] |= (ushort)(i % 2 == 0 ? (text[i] & 0xFF) << 8 : text[i] & 0xFF);
        }
    }

    private static long ToInteger(double value, bool wrap, long min, long max, int bits)
    {
        var rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        if (!wrap)
        {
            return (long)Math.Clamp(rounded, min, max);
        }

        // Wrap modulo 2^bits; values far beyond long range cannot come from a counter in practice, clamp them first.
        var whole = (long)Math.Clamp(rounded, long.MinValue / 2, long.MaxValue / 2);
        var modulus = 1L << bits;
        var wrapped = ((whole % modulus) + modulus) % modulus;
        return min < 0 && wrapped > max ? wrapped - modulus : wrapped;
    }
}
