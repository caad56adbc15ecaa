namespace EdgeHa.Modbus;

/// <summary>Function 01: read 1..2000 coils.</summary>
public sealed class ReadCoilsRequest(ushort address, int quantity) : ReadBitsRequest(address, quantity)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadCoils;

    public override ModbusTable Table => ModbusTable.Coils;
}
