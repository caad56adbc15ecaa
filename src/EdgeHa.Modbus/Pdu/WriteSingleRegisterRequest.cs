namespace EdgeHa.Modbus;

/// <summary>Function 06: write one holding register.</summary>
public sealed class WriteSingleRegisterRequest(ushort address, ushort value) : ModbusRequestPdu
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

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu)
    {
        if (pdu.Length != 5 || PduCodec.ReadUInt16(pdu, 1) != Address || PduCodec.ReadUInt16(pdu, 3) != Value)
        {
            throw PduCodec.Malformed(FunctionCode, "the echo does not match the request");
        }

        return new WriteSingleRegisterResponse(Address, Value);
    }

    public override string ToString() => $"{FunctionCode}(address {Address}, value {Value})";
}
