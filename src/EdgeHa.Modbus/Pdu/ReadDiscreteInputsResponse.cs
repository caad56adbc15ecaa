namespace EdgeHa.Modbus;

/// <summary>The answer to function 02.</summary>
public sealed class ReadDiscreteInputsResponse(bool[] values) : ReadBitsResponse(values)
{
    public override ModbusFunctionCode FunctionCode => ModbusFunctionCode.ReadDiscreteInputs;
}
