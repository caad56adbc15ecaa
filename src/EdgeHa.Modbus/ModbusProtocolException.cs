namespace EdgeHa.Modbus;

/// <summary>A frame or PDU broke the protocol (bad MBAP header, wrong length, mismatched response).</summary>
public sealed class ModbusProtocolException : Exception
{
    public ModbusProtocolException()
    {
    }

    public ModbusProtocolException(string message)
        : base(message)
    {
    }

    public ModbusProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
