namespace EdgeHa.Modbus;

/// <summary>Encodes Modbus TCP frames (MBAP header plus PDU) into buffers or onto a stream.</summary>
public static class ModbusFrameWriter
{
    /// <summary>Writes the ADU for a request PDU; returns the number of bytes written.</summary>
    public static int Write(Span<byte> destination, ushort transactionId, byte unitId, ModbusRequestPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var length = pdu.Encode(destination[ModbusLimits.MbapHeaderLength..]);
        MbapHeader.ForPdu(transactionId, unitId, length).Write(destination);
        return ModbusLimits.MbapHeaderLength + length;
    }

    /// <summary>Writes the ADU for a response PDU; returns the number of bytes written.</summary>
    public static int Write(Span<byte> destination, ushort transactionId, byte unitId, ModbusResponse pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var length = pdu.Encode(destination[ModbusLimits.MbapHeaderLength..]);
        MbapHeader.ForPdu(transactionId, unitId, length).Write(destination);
        return ModbusLimits.MbapHeaderLength + length;
    }

    /// <summary>Encodes a request ADU into a new array (convenient for tests and tools).</summary>
    public static byte[] ToArray(ushort transactionId, byte unitId, ModbusRequestPdu pdu)
    {
        Span<byte> buffer = stackalloc byte[ModbusLimits.MaxTcpAduLength];
        return buffer[..Write(buffer, transactionId, unitId, pdu)].ToArray();
    }

    /// <summary>Encodes a response ADU into a new array (convenient for tests and tools).</summary>
    public static byte[] ToArray(ushort transactionId, byte unitId, ModbusResponse pdu)
    {
        Span<byte> buffer = stackalloc byte[ModbusLimits.MaxTcpAduLength];
        return buffer[..Write(buffer, transactionId, unitId, pdu)].ToArray();
    }

    /// <summary>Writes one request ADU to <paramref name="stream"/>.</summary>
    public static ValueTask WriteAsync(Stream stream, ushort transactionId, byte unitId, ModbusRequestPdu pdu, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.WriteAsync(ToArray(transactionId, unitId, pdu), cancellationToken);
    }

    /// <summary>Writes one response ADU to <paramref name="stream"/>.</summary>
    public static ValueTask WriteAsync(Stream stream, ushort transactionId, byte unitId, ModbusResponse pdu, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.WriteAsync(ToArray(transactionId, unitId, pdu), cancellationToken);
    }
}
