namespace EdgeHa.Modbus;

/// <summary>The answer to function 01.</summary>
public sealed class ReadCoilsResponse(bool[] values) : ReadBitsResponse(values)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadCoils;
}
