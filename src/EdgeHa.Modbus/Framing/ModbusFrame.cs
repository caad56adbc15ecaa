namespace EdgeHa.Modbus;

/// <summary>One Modbus TCP ADU: a validated MBAP header and its PDU bytes.</summary>
/// <remarks>When returned by <see cref="ModbusFrameReader"/>, <see cref="Pdu"/> is valid only until the next read.</remarks>
public readonly record struct ModbusFrame(MbapHeader Header, ReadOnlyMemory<byte> Pdu);
