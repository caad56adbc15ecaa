using System.Globalization;
using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>The device register that carries a 16-bit sequence counter (wrapping 65535 -> 0), written <c>TABLE:ADDRESS</c>.</summary>
public readonly record struct SequenceRegister(ModbusTable Table, int Address)
{
    public override string ToString() => $"{ReadBlock.TableName(Table)}:{Address}";

    public static bool TryParse(string? text, out SequenceRegister register, out string error)
    {
        register = default;
        var parts = (text ?? "").Split(':');
        if (parts.Length != 2)
        {
            error = $"'{text}' is not TABLE:ADDRESS (e.g. input:0)";
            return false;
        }

        if (!ReadBlock.TryParseTable(parts[0], out var table) || table is not (ModbusTable.HoldingRegisters or ModbusTable.InputRegisters))
        {
            error = $"the sequence must be in a register table (holding or input), not '{parts[0]}'";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var address) || address > 65535)
        {
            error = $"address '{parts[1]}' in '{text}' is not 0..65535";
            return false;
        }

        register = new SequenceRegister(table, address);
        error = "";
        return true;
    }

    /// <summary>
    /// True when sequence <paramref name="candidate"/> comes after <paramref name="reference"/> on the 16-bit ring
    /// (serial number arithmetic: up to half the ring ahead counts as after), so 2 is after 65534.
    /// </summary>
    public static bool IsAfter(int candidate, int reference)
    {
        var distance = (candidate - reference) & 0xFFFF;
        return distance is > 0 and < 0x8000;
    }
}
