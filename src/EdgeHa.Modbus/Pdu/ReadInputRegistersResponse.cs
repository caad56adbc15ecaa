namespace EdgeHa.Modbus;

/// <summary>The answer to function 04.</summary>
public sealed class ReadInputRegistersResponse(ushort[] values) : ReadRegistersResponse(values)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadInputRegisters;
}
