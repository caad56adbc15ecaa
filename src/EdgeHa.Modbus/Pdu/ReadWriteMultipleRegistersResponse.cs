namespace EdgeHa.Modbus;

/// <summary>The answer to function 23.</summary>
public sealed class ReadWriteMultipleRegistersResponse(ushort[] values) : ReadRegistersResponse(values)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadWriteMultipleRegisters;
}
