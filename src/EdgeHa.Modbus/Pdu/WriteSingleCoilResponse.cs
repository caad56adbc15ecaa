namespace EdgeHa.Modbus;

/// <summary>The answer to function 05: an echo of the request.</summary>
public sealed class WriteSingleCoilResponse(ushort address, bool value) : ModbusResponse
{
    public ushort Address { get; } = address;

    public bool Value { get; } = value;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.WriteSingleCoil;

    public override int Length => 5;

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, Value ? WriteSingleCoilRequest.On : 0);
        return 5;
    }
}
