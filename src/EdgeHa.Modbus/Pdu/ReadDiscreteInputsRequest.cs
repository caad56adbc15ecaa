namespace EdgeHa.Modbus;

/// <summary>Function 02: read 1..2000 discrete inputs.</summary>
public sealed class ReadDiscreteInputsRequest(ushort address, int quantity) : ReadBitsRequest(address, quantity)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadDiscreteInputs;

    public override ModbusTable Table => ModbusTable.DiscreteInputs;
}
