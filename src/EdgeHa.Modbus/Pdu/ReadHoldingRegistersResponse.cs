namespace EdgeHa.Modbus;

/// <summary>The answer to function 03.</summary>
public sealed class ReadHoldingRegistersResponse(ushort[] values) : ReadRegistersResponse(values)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadHoldingRegisters;
}
