using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// Serves the simulated device: applies the map's faults (connection drop, latency, exception injection) in that
/// order, refuses writes to read-only ranges and generated values with exception 02, refreshes generated values
/// before reads, and leaves the rest (address checks, reads, writes) to <see cref="DataStoreRequestHandler"/>.
/// Requests for a unit the map does not define answer exception 0B, as a gateway would.
/// </summary>
public sealed class SimulatorRequestHandler(SimulatorDevice device, SimulatorMetrics? metrics = null) : IModbusRequestHandler
{
    private readonly DataStoreRequestHandler _store = new(device.Store);
    private readonly Dictionary<DropFault, long> _dropCounters = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _dropGate = new();

    public async ValueTask<ModbusResponse> HandleAsync(ModbusRequest request, CancellationToken cancellationToken)
    {
        var pdu = request.Pdu;
        var unit = device.FindUnit(request.UnitId);
        if (unit is null)
        {
            return ModbusResponse.Exception(pdu.FunctionCode, ModbusExceptionCode.GatewayTargetFailedToRespond);
        }

        var (table, address, count) = Describe(pdu);
        if (ShouldDrop(unit, pdu.FunctionCode, table, address, count))
        {
            metrics?.OnInjectedDrop();
            return ModbusResponse.DropConnection;
        }

        var delay = TimeSpan.Zero;
        foreach (var latency in unit.Latencies)
        {
            if (latency.Selector.Matches(pdu.FunctionCode, table, address, count) && latency.Delay > delay)
            {
                delay = latency.Delay;
            }
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, device.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        foreach (var fault in unit.Exceptions)
        {
            if (fault.Selector.Matches(pdu.FunctionCode, table, address, count))
            {
                metrics?.OnInjectedException();
                return ModbusResponse.Exception(pdu.FunctionCode, fault.Code);
            }
        }

        if (WriteTarget(pdu) is { } write && IsReadOnly(unit, request.UnitId, write.Table, write.Address, write.Count))
        {
            return ModbusResponse.Exception(pdu.FunctionCode, ModbusExceptionCode.IllegalDataAddress);
        }

        if (table is { } readTable)
        {
            device.Refresh(request.UnitId, readTable, address, count);
        }

        return _store.Handle(request);
    }

    private bool IsReadOnly(UnitMap unit, byte unitId, ModbusTable table, int address, int count) =>
        unit.RangesOf(table).Any(r => r.ReadOnly && r.Overlaps(address, count)) || device.IsGenerated(unitId, table, address, count);

    private bool ShouldDrop(UnitMap unit, ModbusFunctionCode function, ModbusTable? table, int address, int count)
    {
        foreach (var drop in unit.Drops)
        {
            if (!drop.Selector.Matches(function, table, address, count))
            {
                continue;
            }

            lock (_dropGate)
            {
                _dropCounters.TryGetValue(drop, out var seen);
                _dropCounters[drop] = ++seen;
                if (seen % drop.EveryNth == 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The table and addresses a request touches (for fault matching); FC23 reports its read part.</summary>
    internal static (ModbusTable? Table, int Address, int Count) Describe(ModbusRequestPdu pdu) => pdu switch
    {
        ReadRequest r => (r.Table, r.Address, r.Quantity),
        WriteSingleCoilRequest w => (ModbusTable.Coils, w.Address, 1),
        WriteSingleRegisterRequest w => (ModbusTable.HoldingRegisters, w.Address, 1),
        WriteMultipleCoilsRequest w => (ModbusTable.Coils, w.Address, w.Quantity),
        WriteMultipleRegistersRequest w => (ModbusTable.HoldingRegisters, w.Address, w.Quantity),
        ReadWriteMultipleRegistersRequest rw => (ModbusTable.HoldingRegisters, rw.ReadAddress, rw.ReadQuantity),
        _ => (null, 0, 0),
    };

    private static (ModbusTable Table, int Address, int Count)? WriteTarget(ModbusRequestPdu pdu) => pdu switch
    {
        WriteSingleCoilRequest w => (ModbusTable.Coils, w.Address, 1),
        WriteSingleRegisterRequest w => (ModbusTable.HoldingRegisters, w.Address, 1),
        WriteMultipleCoilsRequest w => (ModbusTable.Coils, w.Address, w.Quantity),
        WriteMultipleRegistersRequest w => (ModbusTable.HoldingRegisters, w.Address, w.Quantity),
        ReadWriteMultipleRegistersRequest rw => (ModbusTable.HoldingRegisters, rw.WriteAddress, rw.WriteQuantity),
        _ => null,
    };
}
