namespace EdgeHa.Modbus;

/// <summary>The answer to function 06: an echo of the request.</summary>
public sealed class WriteSingleRegisterResponse(ushort address, ushort value) : ModbusResponse
{
    public ushort Address { get; } = address;

    public ushort Value { get; } = value;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.WriteSingleRegister;

    public override int Length => 5;

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, Value);
        return 5;
    }
}
