namespace EdgeHa.Modbus;

/// <summary>Function 15 (0x0F): write 1..1968 coils.</summary>
public sealed class WriteMultipleCoilsRequest : ModbusRequestPdu
{
    private readonly bool[] _values;

    public WriteMultipleCoilsRequest(ushort address, ReadOnlySpan<bool> values)
    {
        PduCodec.CheckQuantity(values.Length, ModbusLimits.MaxWriteBits, nameof(values));
        Address = address;
        _values = values.ToArray();
    }

    public ushort Address { get; }

    public ReadOnlyMemory<bool> Values => _values;

    public ushort Quantity => (ushort)_values.Length;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.WriteMultipleCoils;

    public override int Length => 6 + PduCodec.ByteCountForBits(_values.Length);

    public override int Encode(Span<byte> destination)
    {
        var byteCount = PduCodec.ByteCountForBits(_values.Length);
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, _values.Length);
        destination[5] = (byte)byteCount;
        PduCodec.PackBits(_values, destination[6..]);
        return 6 + byteCount;
    }

    internal static WriteMultipleCoilsRequest? DecodeData(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5)
        {
            return null;
        }

        var quantity = PduCodec.ReadUInt16(data, 2);
        var byteCount = data[4];
        if (quantity < 1 || quantity > ModbusLimits.MaxWriteBits || byteCount != PduCodec.ByteCountForBits(quantity) || data.Length != 5 + byteCount)
        {
            return null;
        }

        return new WriteMultipleCoilsRequest(PduCodec.ReadUInt16(data, 0), PduCodec.UnpackBits(data[5..], quantity));
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu)
    {
        if (pdu.Length != 5 || PduCodec.ReadUInt16(pdu, 1) != Address || PduCodec.ReadUInt16(pdu, 3) != Quantity)
        {
            throw PduCodec.Malformed(FunctionCode, "address or quantity does not match the request");
        }

        return new WriteMultipleCoilsResponse(Address, Quantity);
    }

    public override string ToString() => $"{FunctionCode}(address {Address}, quantity {Quantity})";
}
