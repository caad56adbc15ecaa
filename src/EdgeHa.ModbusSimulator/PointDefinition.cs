using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>A typed value at an address: a constant (number, bool or text) or a generator.</summary>
public sealed record PointDefinition
{
    public required ModbusTable Table { get; init; }

    public required int Address { get; init; }

    public required PointType Type { get; init; }

    /// <summary>Order of the two registers of 32-bit types.</summary>
    public WordOrder WordOrder { get; init; } = WordOrder.BigEndian;

    /// <summary>Number of addresses the value occupies (1 for bool/16-bit, 2 for 32-bit, the register count for strings).</summary>
    public required int Length { get; init; }

    /// <summary>Initial numeric value (bools as 0/1) when there is no generator.</summary>
    public double Number { get; init; }

    /// <summary>Text of a <see cref="PointType.String"/> point.</summary>
    public string? Text { get; init; }

    /// <summary>The generator, or null for a constant.</summary>
    public GeneratorDefinition? Generator { get; init; }

    /// <summary>Optional name shown in the HTTP read-out.</summary>
    public string? Name { get; init; }
}
