namespace EdgeHa.Modbus;

/// <summary>A read of holding (03) or input (04) registers: starting address and quantity (1..125).</summary>
public abstract class ReadRegistersRequest : ReadRequest
{
    private protected ReadRegistersRequest(ushort address, int quantity)
        : base(address, quantity, ModbusLimits.MaxReadRegisters)
    {
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu)
    {
        var values = ReadRegistersResponse.DecodeValues(FunctionCode, pdu, Quantity);
        return FunctionCode == ModbusFunctionCode.ReadHoldingRegisters
            ? new ReadHoldingRegistersResponse(values)
            : new ReadInputRegistersResponse(values);
    }
}
