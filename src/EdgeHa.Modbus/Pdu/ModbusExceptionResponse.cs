namespace EdgeHa.Modbus;

/// <summary>An exception response: the request's function code with bit 7 set, then the exception code.</summary>
public sealed class ModbusExceptionResponse(ModbusFunctionCode functionCode, ModbusExceptionCode exceptionCode) : ModbusResponse
{
    public override ModbusFunctionCode FunctionCode { get; } = functionCode;

    public ModbusExceptionCode ExceptionCode { get; } = exceptionCode;

    public override int Length => 2;

    public override int Encode(Span<byte> destination)
    {
        destination[0] = (byte)((byte)FunctionCode | 0x80);
        destination[1] = (byte)ExceptionCode;
        return 2;
    }

    /// <summary>The exception a client throws for this response.</summary>
    public ModbusException ToException() => new(FunctionCode, ExceptionCode);

    public override string ToString() => $"Exception {(byte)ExceptionCode:X2} ({ExceptionCode}) for {FunctionCode}";
}
