namespace EdgeHa.Modbus;

/// <summary>A read of coils (01) or discrete inputs (02): starting address and quantity (1..2000).</summary>
public abstract class ReadBitsRequest : ModbusRequestPdu
{
    private protected ReadBitsRequest(ushort address, int quantity)
    {
        PduCodec.CheckQuantity(quantity, ModbusLimits.MaxReadBits, nameof(quantity));
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
        var byteCount = PduCodec.ByteCountForBits(Quantity);
        if (pdu.Length != 2 + byteCount || pdu[1] != byteCount)
        {
            throw PduCodec.Malformed(FunctionCode, $"{pdu.Length} bytes with byte count {(pdu.Length > 1 ? pdu[1] : -1)}, expected byte count {byteCount} for {Quantity} bits");
        }

        var bits = PduCodec.UnpackBits(pdu[2..], Quantity);
        return FunctionCode == ModbusFunctionCode.ReadCoils ? new ReadCoilsResponse(bits) : new ReadDiscreteInputsResponse(bits);
    }

    public override string ToString() => $"{FunctionCode}(address {Address}, quantity {Quantity})";
}
