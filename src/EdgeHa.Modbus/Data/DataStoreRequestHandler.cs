namespace EdgeHa.Modbus;

/// <summary>
/// Serves function codes 01-06, 15, 16 and 23 from a <see cref="ModbusDataStore"/>.
/// </summary>
/// <remarks>
/// Validation order follows libmodbus and the spec's state diagrams: the function code (01) and the quantity and
/// structure (03) are checked when the PDU is decoded, then the address range (02) here. Only coils and holding
/// registers are writable over Modbus. The unit id selects the unit; a unit the store does not hold is treated as
/// a gateway target that did not respond (0x0B) unless <see cref="UnknownUnitBehavior.NoResponse"/> is chosen.
/// Over TCP a device addressed directly is reached with unit id 0xFF (the TCP guide) or 0 (common practice), so when
/// the store holds exactly one unit those two ids reach it.
/// </remarks>
public sealed class DataStoreRequestHandler(ModbusDataStore store, UnknownUnitBehavior unknownUnit = UnknownUnitBehavior.GatewayTargetFailedToRespond)
    : IModbusRequestHandler
{
    private const byte DirectUnitId = 0xFF;

    public ModbusDataStore Store { get; } = store ?? throw new ArgumentNullException(nameof(store));

    public ValueTask<ModbusResponse> HandleAsync(ModbusRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Handle(request));

    /// <summary>The synchronous core of <see cref="HandleAsync"/>, for handlers that wrap this one.</summary>
    public ModbusResponse Handle(ModbusRequest request)
    {
        ArgumentNullException.ThrowIfNull(request.Pdu);
        if (!TryResolveUnit(request.UnitId, out var unit))
        {
            return unknownUnit == UnknownUnitBehavior.NoResponse
                ? ModbusResponse.NoResponse
                : ModbusResponse.Exception(request.FunctionCode, ModbusExceptionCode.GatewayTargetFailedToRespond);
        }

        return Handle(unit, request.Pdu);
    }

    /// <summary>Serves <paramref name="pdu"/> from <paramref name="unit"/>.</summary>
    public static ModbusResponse Handle(ModbusUnitStore unit, ModbusRequestPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(pdu);
        switch (pdu)
        {
            case ReadBitsRequest read:
                {
                    var values = new bool[read.Quantity];
                    if (!unit.TryReadBits(read.Table, read.Address, values))
                    {
                        return IllegalAddress(pdu);
                    }

                    return read.Table == ModbusTable.Coils ? new ReadCoilsResponse(values) : new ReadDiscreteInputsResponse(values);
                }

            case ReadRegistersRequest read:
                {
                    var values = new ushort[read.Quantity];
                    if (!unit.TryReadRegisters(read.Table, read.Address, values))
                    {
                        return IllegalAddress(pdu);
                    }

                    return read.Table == ModbusTable.HoldingRegisters
                        ? new ReadHoldingRegistersResponse(values)
                        : new ReadInputRegistersResponse(values);
                }

            case WriteSingleCoilRequest write:
                return unit.TryWriteBits(ModbusTable.Coils, write.Address, [write.Value])
                    ? new WriteSingleCoilResponse(write.Address, write.Value)
                    : IllegalAddress(pdu);

            case WriteSingleRegisterRequest write:
                return unit.TryWriteRegisters(ModbusTable.HoldingRegisters, write.Address, [write.Value])
                    ? new WriteSingleRegisterResponse(write.Address, write.Value)
                    : IllegalAddress(pdu);

            case WriteMultipleCoilsRequest write:
                return unit.TryWriteBits(ModbusTable.Coils, write.Address, write.Values.Span)
                    ? new WriteMultipleCoilsResponse(write.Address, write.Quantity)
                    : IllegalAddress(pdu);

            case WriteMultipleRegistersRequest write:
                return unit.TryWriteRegisters(ModbusTable.HoldingRegisters, write.Address, write.Values.Span)
                    ? new WriteMultipleRegistersResponse(write.Address, write.Quantity)
                    : IllegalAddress(pdu);

            case ReadWriteMultipleRegistersRequest readWrite:
                {
                    var values = new ushort[readWrite.ReadQuantity];
                    return unit.TryWriteThenReadHoldingRegisters(readWrite.WriteAddress, readWrite.WriteValues.Span, readWrite.ReadAddress, values)
                        ? new ReadWriteMultipleRegistersResponse(values)
                        : IllegalAddress(pdu);
                }

            default:
                return ModbusResponse.Exception(pdu.FunctionCode, ModbusExceptionCode.IllegalFunction);
        }
    }

    private bool TryResolveUnit(byte unitId, out ModbusUnitStore unit)
    {
        if (Store.TryGetUnit(unitId, out unit!))
        {
            return true;
        }

        if (unitId is DirectUnitId or 0 && Store.Units is [var only])
        {
            unit = only;
            return true;
        }

        return false;
    }

    private static ModbusExceptionResponse IllegalAddress(ModbusRequestPdu pdu) =>
        ModbusResponse.Exception(pdu.FunctionCode, ModbusExceptionCode.IllegalDataAddress);
}
