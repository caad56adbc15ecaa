using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// The simulated device's state: a <see cref="ModbusDataStore"/> laid out from the map, initial values written,
/// and the generated values, which are brought up to date from the injected clock whenever they are read
/// (so tests that move a manual clock see exact values, and an idle simulator does no work).
/// </summary>
public sealed class SimulatorDevice
{
    private readonly Dictionary<byte, UnitState> _units = [];
    private readonly long _startTimestamp;

    public SimulatorDevice(SimulatorMap map, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _startTimestamp = TimeProvider.GetTimestamp();
        foreach (var unitMap in map.Units)
        {
            var unit = Store.AddUnit(unitMap.UnitId);
            foreach (var (table, ranges) in unitMap.Ranges)
            {
                foreach (var range in ranges)
                {
                    unit.AddRange(table, range.Start, range.Count);
                }
            }

            var generated = new List<GeneratedPoint>();
            foreach (var point in unitMap.Points)
            {
                if (point.Generator is { } generator)
                {
                    generated.Add(new GeneratedPoint(point, ValueGenerator.Create(generator), generator.Wraps));
                }
                else
                {
                    WriteConstant(unit, point);
                }
            }

            _units[unitMap.UnitId] = new UnitState(unitMap, unit, [.. generated]);
        }

        Refresh();
    }

    public SimulatorMap Map { get; }

    public ModbusDataStore Store { get; } = new();

    public TimeProvider TimeProvider { get; }

    /// <summary>Time since the device was created, on its clock.</summary>
    public TimeSpan Uptime => TimeProvider.GetElapsedTime(_startTimestamp);

    public UnitMap? FindUnit(byte unitId) => _units.TryGetValue(unitId, out var u) ? u.Map : null;

    /// <summary>True when the address lies in a generated value (generated values are read-only).</summary>
    public bool IsGenerated(byte unitId, ModbusTable table, int address, int count) =>
        _units.TryGetValue(unitId, out var unit) && unit.Generated.Any(g => g.Point.Table == table && Overlaps(g.Point, address, count));

    /// <summary>Brings every generated value of every unit up to date.</summary>
    public void Refresh()
    {
        foreach (var unit in _units.Values)
        {
            Refresh(unit, null, 0, 65536);
        }
    }

    /// <summary>Brings the generated values overlapping the given addresses up to date (all of the table when <paramref name="table"/> is null).</summary>
    public void Refresh(byte unitId, ModbusTable? table, int address, int count)
    {
        if (_units.TryGetValue(unitId, out var unit))
        {
            Refresh(unit, table, address, count);
        }
    }

    private void Refresh(UnitState unit, ModbusTable? table, int address, int count)
    {
        if (unit.Generated.Length == 0)
        {
            return;
        }

        var elapsed = TimeProvider.GetElapsedTime(_startTimestamp);
        var now = TimeProvider.GetUtcNow();
        Span<ushort> registers = stackalloc ushort[2];
        lock (unit.Gate)
        {
            foreach (var g in unit.Generated)
            {
                if (table is { } t && (g.Point.Table != t || !Overlaps(g.Point, address, count)))
                {
                    continue;
                }

                var value = g.Generator.Evaluate(elapsed, now);
                var target = registers[..g.Point.Length];
                PointEncoder.Encode(g.Point, value, g.Wraps, target);
                if (g.Point.Type == PointType.Bool)
                {
                    unit.Store.SetBit(g.Point.Table, g.Point.Address, target[0] != 0);
                }
                else
                {
                    unit.Store.TryWriteRegisters(g.Point.Table, g.Point.Address, target);
                }
            }
        }
    }

    private static bool Overlaps(PointDefinition p, int address, int count) =>
        address <= p.Address + p.Length - 1 && address + count - 1 >= p.Address;

    private static void WriteConstant(ModbusUnitStore unit, PointDefinition point)
    {
        switch (point.Type)
        {
            case PointType.Bool:
                unit.SetBit(point.Table, point.Address, point.Number != 0);
                break;
            case PointType.String:
                {
                    var registers = new ushort[point.Length];
                    PointEncoder.EncodeText(point.Text ?? "", registers);
                    unit.TryWriteRegisters(point.Table, point.Address, registers);
                    break;
                }

            default:
                {
                    var registers = new ushort[point.Length];
                    PointEncoder.Encode(point, point.Number, wrap: false, registers);
                    unit.TryWriteRegisters(point.Table, point.Address, registers);
                    break;
                }
        }
    }

    private sealed record GeneratedPoint(PointDefinition Point, ValueGenerator Generator, bool Wraps);

    private sealed record UnitState(UnitMap Map, ModbusUnitStore Store, GeneratedPoint[] Generated)
    {
        public object Gate { get; } = new();
    }
}
