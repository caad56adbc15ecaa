namespace EdgeHa.Modbus;

/// <summary>The answer to a read of coils (01) or discrete inputs (02): the bits, packed LSB first on the wire.</summary>
public abstract class ReadBitsResponse : ModbusResponse
{
    private protected ReadBitsResponse(bool[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        PduCodec.CheckQuantity(values.Length, ModbusLimits.MaxReadBits, nameof(values));
        Values = values;
    }

    /// <summary>The bits in address order; the array is owned by the response.</summary>
    public bool[] Values { get; }

    public override int Length => 2 + PduCodec.ByteCountForBits(Values.Length);

    public override int Encode(Span<byte> destination)
    {
        var byteCount = PduCodec.ByteCountForBits(Values.Length);
        destination[0] = (byte)FunctionCode;
        destination[1] = (byte)byteCount;
        PduCodec.PackBits(Values, destination[2..]);
        return 2 + byteCount;
    }
}
