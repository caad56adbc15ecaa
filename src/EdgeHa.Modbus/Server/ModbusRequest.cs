namespace EdgeHa.Modbus;

/// <summary>A decoded request as the server hands it to a handler: who it is for, and what it asks.</summary>
/// <param name="UnitId">The MBAP unit identifier (the slave address behind a gateway; 0xFF or 0 for the device itself).</param>
/// <param name="TransactionId">The MBAP transaction identifier, echoed in the response by the server.</param>
/// <param name="Pdu">The request PDU, already checked for structure and quantity limits.</param>
public readonly record struct ModbusRequest(byte UnitId, ushort TransactionId, ModbusRequestPdu Pdu)
{
    public ModbusFunctionCode FunctionCode => Pdu.FunctionCode;
}
