namespace EdgeHa.Modbus;

/// <summary>Function 03: read 1..125 holding registers.</summary>
public sealed class ReadHoldingRegistersRequest(ushort address, int quantity) : ReadRegistersRequest(address, quantity)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadHoldingRegisters;

    public override ModbusTable Table => ModbusTable.HoldingRegisters;
}
