using System.Buffers.Binary;

namespace EdgeHa.Modbus;

/// <summary>
/// The 7-byte Modbus Application Protocol header that precedes every PDU on TCP:
/// transaction id, protocol id (0), length (unit id + PDU bytes) and unit id, all big-endian.
/// </summary>
public readonly record struct MbapHeader(ushort TransactionId, ushort ProtocolId, ushort Length, byte UnitId)
{
    /// <summary>Creates the header for a PDU of <paramref name="pduLength"/> bytes.</summary>
    public static MbapHeader ForPdu(ushort transactionId, byte unitId, int pduLength) =>
        new(transactionId, ModbusLimits.ProtocolId, checked((ushort)(pduLength + 1)), unitId);

    /// <summary>The number of PDU bytes that follow the header.</summary>
    public int PduLength => Length - 1;

    /// <summary>Reads a header from the first 7 bytes of <paramref name="source"/> without validating it.</summary>
    public static MbapHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < ModbusLimits.MbapHeaderLength)
        {
            throw new ArgumentException("An MBAP header is 7 bytes.", nameof(source));
        }

        return new MbapHeader(
            BinaryPrimitives.ReadUInt16BigEndian(source),
            BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[4..]),
            source[6]);
    }

    /// <summary>Writes the header to the first 7 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < ModbusLimits.MbapHeaderLength)
        {
            throw new ArgumentException("An MBAP header is 7 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], ProtocolId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Length);
        destination[6] = UnitId;
    }

    /// <summary>True when the protocol id is 0 and the length field is within 2..254.</summary>
    public bool IsValid =>
        ProtocolId == ModbusLimits.ProtocolId && Length is >= ModbusLimits.MinMbapLength and <= ModbusLimits.MaxMbapLength;

    /// <summary>
    /// Checks the protocol id and the length field. A header that fails must close the connection:
    /// the stream can no longer be split into frames reliably.
    /// </summary>
    public void Validate()
    {
        if (ProtocolId != ModbusLimits.ProtocolId)
        {
            throw new ModbusProtocolException($"MBAP protocol id is {ProtocolId}; Modbus TCP requires 0.");
        }

        if (Length is < ModbusLimits.MinMbapLength or > ModbusLimits.MaxMbapLength)
        {
            throw new ModbusProtocolException(
                $"MBAP length is {Length}; it must be between {ModbusLimits.MinMbapLength} and {ModbusLimits.MaxMbapLength}.");
        }
    }
}
