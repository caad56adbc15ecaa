using System.Text.Json;
using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>The HTTP read-out: the mapped values decoded by type, or a raw run of addresses.</summary>
internal static class RegisterReadout
{
    /// <summary>Most addresses one raw read-out returns.</summary>
    public const int MaxCount = 2000;

    public static void WriteValues(Utf8JsonWriter json, SimulatorDevice device)
    {
        device.Refresh();
        json.WriteStartObject();
        json.WriteNumber("uptimeSeconds", Math.Round(device.Uptime.TotalSeconds, 3));
        json.WriteStartArray("units");
        foreach (var unit in device.Map.Units)
        {
            if (!device.Store.TryGetUnit(unit.UnitId, out var store))
            {
                continue;
            }

            json.WriteStartObject();
            json.WriteNumber("unit", unit.UnitId);
            json.WriteStartObject("ranges");
            foreach (var (table, ranges) in unit.Ranges)
            {
                json.WriteStartArray(TableNames.ToName(table));
                foreach (var r in ranges)
                {
                    json.WriteStringValue(r.ReadOnly ? $"{r.Start}-{r.End} (read-only)" : $"{r.Start}-{r.End}");
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteStartArray("values");
            foreach (var p in unit.Points)
            {
                json.WriteStartObject();
                if (p.Name is not null)
                {
                    json.WriteString("name", p.Name);
                }

                json.WriteString("table", TableNames.ToName(p.Table));
                json.WriteNumber("address", p.Address);
                json.WriteString("type", p.Type.ToString().ToLowerInvariant());
                json.WritePropertyName("value");
                WriteDecoded(json, store, p);
                json.WriteBoolean("generated", p.Generator is not null);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes a raw run; returns an error text instead when the addresses do not exist.</summary>
    public static string? WriteRaw(Utf8JsonWriter json, SimulatorDevice device, byte unitId, ModbusTable table, int address, int count)
    {
        if (!device.Store.TryGetUnit(unitId, out var store))
        {
            return $"unit {unitId} is not in the map";
        }

        device.Refresh(unitId, table, address, count);
        json.WriteStartObject();
        json.WriteNumber("unit", unitId);
        json.WriteString("table", TableNames.ToName(table));
        json.WriteNumber("address", address);
        json.WriteStartArray("values");
        if (table is ModbusTable.Coils or ModbusTable.DiscreteInputs)
        {
            var bits = new bool[count];
            if (!store.TryReadBits(table, address, bits))
            {
                return $"{TableNames.ToName(table)} {address}-{address + count - 1} is not all mapped";
            }

            foreach (var b in bits)
            {
                json.WriteBooleanValue(b);
            }
        }
        else
        {
            var registers = new ushort[count];
            if (!store.TryReadRegisters(table, address, registers))
            {
                return $"{TableNames.ToName(table)} {address}-{address + count - 1} is not all mapped";
            }

            foreach (var r in registers)
            {
                json.WriteNumberValue(r);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return null;
    }

    private static void WriteDecoded(Utf8JsonWriter json, ModbusUnitStore store, PointDefinition p)
    {
        if (p.Type == PointType.Bool)
        {
            json.WriteBooleanValue(store.GetBit(p.Table, p.Address));
            return;
        }

        var registers = new ushort[p.Length];
        store.TryReadRegisters(p.Table, p.Address, registers);
        switch (p.Type)
        {
            case PointType.Int16:
                json.WriteNumberValue(unchecked((short)registers[0]));
                break;
            case PointType.UInt16:
                json.WriteNumberValue(registers[0]);
                break;
            case PointType.Int32:
                json.WriteNumberValue(ModbusValues.GetInt32(registers, p.WordOrder));
                break;
            case PointType.UInt32:
                json.WriteNumberValue(ModbusValues.GetUInt32(registers, p.WordOrder));
                break;
            case PointType.Float32:
                json.WriteNumberValue(ModbusValues.GetSingle(registers, p.WordOrder));
                break;
            default:
                {
                    var chars = new List<char>();
                    foreach (var r in registers)
                    {
                        chars.Add((char)(r >> 8));
                        chars.Add((char)(r & 0xFF));
                    }

                    json.WriteStringValue(new string([.. chars]).TrimEnd('\0'));
                    break;
                }
        }
    }
}
