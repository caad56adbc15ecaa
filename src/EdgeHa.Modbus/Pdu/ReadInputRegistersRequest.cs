namespace EdgeHa.Modbus;

/// <summary>Function 04: read 1..125 input registers.</summary>
public sealed class ReadInputRegistersRequest(ushort address, int quantity) : ReadRegistersRequest(address, quantity)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadInputRegisters;

    public override ModbusTable Table => ModbusTable.InputRegisters;
}
