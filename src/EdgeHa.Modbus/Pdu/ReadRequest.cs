namespace EdgeHa.Modbus;

/// <summary>
/// A read of one table (01-04): starting address and quantity, encoded alike for bits and registers. Subclasses
/// give the quantity limit and decode their response.
/// </summary>
public abstract class ReadRequest : ModbusRequestPdu
{
    private protected ReadRequest(ushort address, int quantity, int maxQuantity)
    {
        PduCodec.CheckQuantity(quantity, maxQuantity, nameof(quantity));
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

    public override string ToString() => $"{FunctionCode}(address {Address}, quantity {Quantity})";
}
