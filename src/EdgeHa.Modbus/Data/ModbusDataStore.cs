using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace EdgeHa.Modbus;

/// <summary>The units a server answers for, each with its own four tables. Thread-safe.</summary>
public sealed class ModbusDataStore
{
    private readonly ConcurrentDictionary<byte, ModbusUnitStore> _units = new();

    /// <summary>Returns the unit, creating it (with nothing mapped) when it does not exist.</summary>
    public ModbusUnitStore AddUnit(byte unitId) => _units.GetOrAdd(unitId, static id => new ModbusUnitStore(id));

    public bool TryGetUnit(byte unitId, [NotNullWhen(true)] out ModbusUnitStore? unit) => _units.TryGetValue(unitId, out unit);

    public bool RemoveUnit(byte unitId) => _units.TryRemove(unitId, out _);

    /// <summary>The units, in unit id order.</summary>
    public IReadOnlyList<ModbusUnitStore> Units => [.. _units.Values.OrderBy(u => u.UnitId)];

    /// <summary>A store with one unit whose four tables map addresses 0..<paramref name="count"/>-1.</summary>
    public static ModbusDataStore CreateFlat(byte unitId = 1, int count = 10000)
    {
        var store = new ModbusDataStore();
        var unit = store.AddUnit(unitId);
        foreach (var table in Enum.GetValues<ModbusTable>())
        {
            unit.AddRange(table, 0, count);
        }

        return store;
    }
}
