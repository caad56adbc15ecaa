using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>The short table names used in maps, flags and the HTTP read-out: coil, discrete, holding, input.</summary>
public static class TableNames
{
    public static string ToName(ModbusTable table) => table switch
    {
        ModbusTable.Coils => "coil",
        ModbusTable.DiscreteInputs => "discrete",
        ModbusTable.HoldingRegisters => "holding",
        ModbusTable.InputRegisters => "input",
        _ => table.ToString(),
    };

    public static bool TryParse(string? name, out ModbusTable table)
    {
        switch (name)
        {
            case "coil" or "coils":
                table = ModbusTable.Coils;
                return true;
            case "discrete" or "discreteInputs":
                table = ModbusTable.DiscreteInputs;
                return true;
            case "holding" or "holdingRegisters":
                table = ModbusTable.HoldingRegisters;
                return true;
            case "input" or "inputRegisters":
                table = ModbusTable.InputRegisters;
                return true;
            default:
                table = default;
                return false;
        }
    }
}
