namespace EdgeHa.Modbus;

/// <summary>Function 05: write one coil. On the wire ON is 0xFF00 and OFF is 0x0000; any other value is exception 03.</summary>
public sealed class WriteSingleCoilRequest(ushort address, bool value) : ModbusRequestPdu
{
    internal const ushort On = 0xFF00;

    public ushort Address { get; } = address;

    public bool Value { get; } = value;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.WriteSingleCoil;

    public override int Length => 5;

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, Value ? On : 0);
        return 5;
    }

    internal static WriteSingleCoilRequest? DecodeData(ReadOnlySpan<byte> data)
    {
        if (data.Length != 4)
        {
            return null;
        }

        var raw = PduCodec.ReadUInt16(data, 2);
        return raw is 0 or On ? new WriteSingleCoilRequest(PduCodec.ReadUInt16(data, 0), raw == On) : null;
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu)
    {
        var echo = pdu.Length == 5 ? DecodeData(pdu[1..]) : null;
        if (echo is null || echo.Address != Address || echo.Value != Value)
        {
            throw PduCodec.Malformed(FunctionCode, "the echo does not match the request");
        }

        return new WriteSingleCoilResponse(Address, Value);
    }

    public override string ToString() => $"{FunctionCode}(address {Address}, value {Value})";
}
