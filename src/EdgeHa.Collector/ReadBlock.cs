using System.Globalization;
using EdgeHa.Modbus;

namespace EdgeHa.Collector;

/// <summary>A run of addresses polled in one request, written <c>TABLE:ADDRESS:COUNT</c> (e.g. <c>holding:0:10</c>).</summary>
public readonly record struct ReadBlock(ModbusTable Table, int Address, int Count)
{
    /// <summary>True for coils and discrete inputs.</summary>
    public bool IsBits => Table is ModbusTable.Coils or ModbusTable.DiscreteInputs;

    /// <summary>The canonical text form, also the key of the block's values in a sample.</summary>
    public override string ToString() => $"{TableName(Table)}:{Address}:{Count}";

    /// <summary>Parses <c>TABLE:ADDRESS:COUNT</c>; the error names what is wrong.</summary>
    public static bool TryParse(string? text, out ReadBlock block, out string error)
    {
        block = default;
        var parts = (text ?? "").Split(':');
        if (parts.Length != 3)
        {
            error = $"'{text}' is not TABLE:ADDRESS:COUNT (e.g. holding:0:10)";
            return false;
        }

        if (!TryParseTable(parts[0], out var table))
        {
            error = $"unknown table '{parts[0]}' in '{text}' (expected coil, discrete, holding or input)";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var address) || address > 65535)
        {
            error = $"address '{parts[1]}' in '{text}' is not 0..65535";
            return false;
        }

        var max = table is ModbusTable.Coils or ModbusTable.DiscreteInputs ? ModbusLimits.MaxReadBits : ModbusLimits.MaxReadRegisters;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > max)
        {
            error = $"count '{parts[2]}' in '{text}' is not 1..{max}";
            return false;
        }

        if (address + count > 65536)
        {
            error = $"'{text}' goes past address 65535";
            return false;
        }

        block = new ReadBlock(table, address, count);
        error = "";
        return true;
    }

    public static string TableName(ModbusTable table) => table switch
    {
        ModbusTable.Coils => "coil",
        ModbusTable.DiscreteInputs => "discrete",
        ModbusTable.HoldingRegisters => "holding",
        ModbusTable.InputRegisters => "input",
        _ => table.ToString(),
    };

    public static bool TryParseTable(string text, out ModbusTable table)
    {
        (var ok, table) = text switch
        {
            "coil" => (true, ModbusTable.Coils),
            "discrete" => (true, ModbusTable.DiscreteInputs),
            "holding" => (true, ModbusTable.HoldingRegisters),
            "input" => (true, ModbusTable.InputRegisters),
            _ => (false, default),
        };
        return ok;
    }
}
