namespace EdgeHa.Modbus;

/// <summary>The server answered a request with an exception response.</summary>
public sealed class ModbusException : Exception
{
    public ModbusException(ModbusFunctionCode functionCode, ModbusExceptionCode exceptionCode)
        : base($"Modbus exception {(byte)exceptionCode:X2} ({exceptionCode}) for function {(byte)functionCode:X2} ({functionCode}).")
    {
        FunctionCode = functionCode;
        ExceptionCode = exceptionCode;
    }

    /// <summary>The function code of the request (without the exception bit).</summary>
    public ModbusFunctionCode FunctionCode { get; }

    /// <summary>The exception code the server returned.</summary>
    public ModbusExceptionCode ExceptionCode { get; }
}
