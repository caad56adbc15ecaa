namespace EdgeHa.Modbus;

/// <summary>A read of coils (01) or discrete inputs (02): starting address and quantity (1..2000).</summary>
public abstract class ReadBitsRequest : ReadRequest
{
    private protected ReadBitsRequest(ushort address, int quantity)
        : base(address, quantity, ModbusLimits.MaxReadBits)
    {
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
}
