namespace EdgeHa.Modbus;

/// <summary>The answer to function 15 (0x0F): starting address and quantity written.</summary>
public sealed class WriteMultipleCoilsResponse(ushort address, ushort quantity) : ModbusResponse
{
    public ushort Address { get; } = address;

    public ushort Quantity { get; } = quantity;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.WriteMultipleCoils;

    public override int Length => 5;

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, Quantity);
        return 5;
    }
}
