namespace EdgeHa.Modbus;

/// <summary>The answer to a read of registers (03, 04, 23): a byte count, then the registers big-endian.</summary>
public abstract class ReadRegistersResponse : ModbusResponse
{
    private protected ReadRegistersResponse(ushort[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        PduCodec.CheckQuantity(values.Length, ModbusLimits.MaxReadRegisters, nameof(values));
        Values = values;
    }

    /// <summary>The registers in address order; the array is owned by the response.</summary>
    public ushort[] Values { get; }

    public override int Length => 2 + (2 * Values.Length);

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        destination[1] = (byte)(2 * Values.Length);
        PduCodec.WriteRegisters(Values, destination[2..]);
        return Length;
    }

    internal static ushort[] DecodeValues(ModbusFunctionCode function, ReadOnlySpan<byte> pdu, int quantity)
    {
        if (pdu.Length != 2 + (2 * quantity) || pdu[1] != 2 * quantity)
        {
            throw PduCodec.Malformed(function, $"{pdu.Length} bytes with byte count {(pdu.Length > 1 ? pdu[1] : -1)}, expected {2 * quantity} for {quantity} registers");
        }

        return PduCodec.ReadRegisters(pdu[2..], quantity);
    }
}
