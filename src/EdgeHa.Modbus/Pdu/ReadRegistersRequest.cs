namespace EdgeHa.Modbus;

/// <summary>A read of holding (03) or input (04) registers: starting address and quantity (1..125).</summary>
public abstract class ReadRegistersRequest : ModbusRequestPdu
{
    private protected ReadRegistersRequest(ushort address, int quantity)
    {
        PduCodec.CheckQuantity(quantity, ModbusLimits.MaxReadRegisters, nameof(quantity));
        Address = address;
        Quantity = (ushort)quantity;
    }

    public ushort Address { get; }

    public ushort Quantity { get; }

    /// <summary>The table this request reads.</summary>
    public abstract ModbusTable Table { get; }

    public override int Length => 5;

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, Quantity);
        return 5;
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu)
    {
        var values = ReadRegistersResponse.DecodeValues(FunctionCode, pdu, Quantity);
        return FunctionCode == ModbusFunctionCode.ReadHoldingRegisters
            ? new ReadHoldingRegistersResponse(values)
            : new ReadInputRegistersResponse(values);
    }

    public override string ToString() => $"{FunctionCode}(address {Address}, quantity {Quantity})";
}
