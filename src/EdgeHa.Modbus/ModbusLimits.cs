namespace EdgeHa.Modbus;

/// <summary>Limits from the Modbus Application Protocol v1.1b3 and the Modbus Messaging on TCP/IP guide.</summary>
public static class ModbusLimits
{
    /// <summary>Most registers one read (03, 04, and the read part of 23) may ask for.</summary>
    public const int MaxReadRegisters = 125;

    /// <summary>Most registers one write (16) may carry.</summary>
    public const int MaxWriteRegisters = 123;

    /// <summary>Most registers the write part of a read/write multiple registers (23) may carry.</summary>
    public const int MaxReadWriteWriteRegisters = 121;

    /// <summary>Most coils or discrete inputs one read (01, 02) may ask for.</summary>
    public const int MaxReadBits = 2000;

    /// <summary>Most coils one write (15) may carry.</summary>
    public const int MaxWriteBits = 1968;

    /// <summary>Largest PDU (function code plus data) in bytes.</summary>
    public const int MaxPduLength = 253;

    /// <summary>Largest Modbus TCP ADU (MBAP header plus PDU) in bytes.</summary>
    public const int MaxTcpAduLength = 260;

    /// <summary>Length of the MBAP header in bytes (transaction id, protocol id, length, unit id).</summary>
    public const int MbapHeaderLength = 7;

    /// <summary>Smallest legal MBAP length field: the unit id plus a function code.</summary>
    public const int MinMbapLength = 2;

    /// <summary>Largest legal MBAP length field: the unit id plus the largest PDU.</summary>
    public const int MaxMbapLength = 254;

    /// <summary>The only protocol identifier Modbus TCP defines.</summary>
    public const ushort ProtocolId = 0;

    /// <summary>The registered Modbus TCP port.</summary>
    public const int DefaultPort = 502;
}
