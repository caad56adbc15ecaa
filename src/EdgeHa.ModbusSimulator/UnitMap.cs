using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>One simulated unit (slave id): the addresses that exist, the values and the faults.</summary>
public sealed record UnitMap
{
    public required byte UnitId { get; init; }

    /// <summary>Existing address runs per table, sorted and non-overlapping. A table without runs has no addresses.</summary>
    public required IReadOnlyDictionary<ModbusTable, IReadOnlyList<AddressRange>> Ranges { get; init; }

    public IReadOnlyList<PointDefinition> Points { get; init; } = [];

    public IReadOnlyList<ExceptionFault> Exceptions { get; init; } = [];

    public IReadOnlyList<LatencyFault> Latencies { get; init; } = [];

    public IReadOnlyList<DropFault> Drops { get; init; } = [];

    public IReadOnlyList<AddressRange> RangesOf(ModbusTable table) =>
        Ranges.TryGetValue(table, out var ranges) ? ranges : [];
}
