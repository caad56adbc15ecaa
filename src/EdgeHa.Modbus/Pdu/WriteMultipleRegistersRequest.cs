namespace EdgeHa.Modbus;

/// <summary>Function 16 (0x10): write 1..123 holding registers.</summary>
public sealed class WriteMultipleRegistersRequest : ModbusRequestPdu
{
    private readonly ushort[] _values;

    public WriteMultipleRegistersRequest(ushort address, ReadOnlySpan<ushort> values)
    {
        PduCodec.CheckQuantity(values.Length, ModbusLimits.MaxWriteRegisters, nameof(values));
        Address = address;
        _values = values.ToArray();
    }

    private WriteMultipleRegistersRequest(ushort address, ushort[] values)
    {
        Address = address;
        _values = values;
    }

    public ushort Address { get; }

    public ReadOnlyMemory<ushort> Values => _values;

    public ushort Quantity => (ushort)_values.Length;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.WriteMultipleRegisters;

    public override int Length => 6 + (2 * _values.Length);

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, Address);
        PduCodec.WriteUInt16(destination, 3, _values.Length);
        destination[5] = (byte)(2 * _values.Length);
        PduCodec.WriteRegisters(_values, destination[6..]);
        return 6 + (2 * _values.Length);
    }

    internal static WriteMultipleRegistersRequest? DecodeData(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5)
        {
            return null;
        }

        var quantity = PduCodec.ReadUInt16(data, 2);
        var byteCount = data[4];
        if (quantity < 1 || quantity > ModbusLimits.MaxWriteRegisters || byteCount != 2 * quantity || data.Length != 5 + byteCount)
        {
            return null;
        }

        return new WriteMultipleRegistersRequest(PduCodec.ReadUInt16(data, 0), PduCodec.ReadRegisters(data[5..], quantity));
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu)
    {
        if (pdu.Length != 5 || PduCodec.ReadUInt16(pdu, 1) != Address || PduCodec.ReadUInt16(pdu, 3) != Quantity)
        {
            throw PduCodec.Malformed(FunctionCode, "address or quantity does not match the request");
        }

        return new WriteMultipleRegistersResponse(Address, Quantity);
    }

    public override string ToString() => $"{FunctionCode}(address {Address}, quantity {Quantity})";
}
