using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// Which requests a fault applies to: an optional table, an optional address run (a request matches when its
/// addresses overlap the run), and optional function codes. An empty selector matches every request of the unit.
/// </summary>
public sealed record FaultSelector(ModbusTable? Table, int? Address, int Count, IReadOnlySet<ModbusFunctionCode>? Functions)
{
    public static FaultSelector All { get; } = new(null, null, 1, null);

    public bool Matches(ModbusFunctionCode function, ModbusTable? table, int address, int count)
    {
        if (Functions is not null && !Functions.Contains(function))
        {
            return false;
        }

        if (Table is { } t && t != table)
        {
            return false;
        }

        return Address is not { } start || (address <= start + Count - 1 && address + Math.Max(count, 1) - 1 >= start);
    }
}

/// <summary>Answer matching requests with a Modbus exception.</summary>
public sealed record ExceptionFault(FaultSelector Selector, ModbusExceptionCode Code);

/// <summary>Delay the response to matching requests.</summary>
public sealed record LatencyFault(FaultSelector Selector, TimeSpan Delay);

/// <summary>Close the connection instead of answering every <paramref name="EveryNth"/>-th matching request.</summary>
public sealed record DropFault(FaultSelector Selector, int EveryNth);
