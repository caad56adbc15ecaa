namespace EdgeHa.Modbus;

/// <summary>
/// Function 23 (0x17): write 1..121 holding registers, then read 1..125 holding registers, in one transaction.
/// </summary>
public sealed class ReadWriteMultipleRegistersRequest : ModbusRequestPdu
{
    private readonly ushort[] _writeValues;

    public ReadWriteMultipleRegistersRequest(ushort readAddress, int readQuantity, ushort writeAddress, ReadOnlySpan<ushort> writeValues)
        : this(readAddress, readQuantity, writeAddress, writeValues.ToArray())
    {
    }

    private ReadWriteMultipleRegistersRequest(ushort readAddress, int readQuantity, ushort writeAddress, ushort[] writeValues)
    {
        PduCodec.CheckQuantity(readQuantity, ModbusLimits.MaxReadRegisters, nameof(readQuantity));
        PduCodec.CheckQuantity(writeValues.Length, ModbusLimits.MaxReadWriteWriteRegisters, nameof(writeValues));
        ReadAddress = readAddress;
        ReadQuantity = (ushort)readQuantity;
        WriteAddress = writeAddress;
        _writeValues = writeValues;
    }

    public ushort ReadAddress { get; }

    public ushort ReadQuantity { get; }

    public ushort WriteAddress { get; }

    public ReadOnlyMemory<ushort> WriteValues => _writeValues;

    public ushort WriteQuantity => (ushort)_writeValues.Length;

    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadWriteMultipleRegisters;

    public override int Length => 10 + (2 * _writeValues.Length);

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)FunctionCode;
        PduCodec.WriteUInt16(destination, 1, ReadAddress);
        PduCodec.WriteUInt16(destination, 3, ReadQuantity);
        PduCodec.WriteUInt16(destination, 5, WriteAddress);
        PduCodec.WriteUInt16(destination, 7, _writeValues.Length);
        destination[9] = (byte)(2 * _writeValues.Length);
        PduCodec.WriteRegisters(_writeValues, destination[10..]);
        return Length;
    }

    internal static ReadWriteMultipleRegistersRequest? DecodeData(ReadOnlySpan<byte> data)
    {
        if (data.Length < 9)
        {
            return null;
        }

        var readQuantity = PduCodec.ReadUInt16(data, 2);
        var writeQuantity = PduCodec.ReadUInt16(data, 6);
        var byteCount = data[8];
        if (readQuantity < 1 || readQuantity > ModbusLimits.MaxReadRegisters
            || writeQuantity < 1 || writeQuantity > ModbusLimits.MaxReadWriteWriteRegisters
            || byteCount != 2 * writeQuantity || data.Length != 9 + byteCount)
        {
            return null;
        }

        return new ReadWriteMultipleRegistersRequest(
            PduCodec.ReadUInt16(data, 0), readQuantity, PduCodec.ReadUInt16(data, 4), PduCodec.ReadRegisters(data[9..], writeQuantity));
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu) =>
        new ReadWriteMultipleRegistersResponse(ReadRegistersResponse.DecodeValues(FunctionCode, pdu, ReadQuantity));

    public override string ToString() =>
        $"{FunctionCode}(read {ReadAddress}+{ReadQuantity}, write {WriteAddress}+{WriteQuantity})";
}
