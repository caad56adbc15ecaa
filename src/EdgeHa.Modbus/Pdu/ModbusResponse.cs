namespace EdgeHa.Modbus;

/// <summary>
/// A response PDU: one sealed subclass per function code, <see cref="ModbusExceptionResponse"/>, and two
/// server-only sentinels (<see cref="DropConnection"/>, <see cref="NoResponse"/>) that are never encoded.
/// </summary>
public abstract class ModbusResponse
{
    private protected ModbusResponse()
    {
    }

    /// <summary>Tells the server to close the connection instead of answering (fault injection, broken peers).</summary>
    public static ModbusResponse DropConnection { get; } = new Sentinel("DropConnection");

    /// <summary>Tells the server to send nothing for this request and keep the connection (a gateway whose target is silent).</summary>
    public static ModbusResponse NoResponse { get; } = new Sentinel("NoResponse");

    /// <summary>The function code of the request this answers (without the exception bit).</summary>
    public abstract ModbusFunctionCode FunctionCode { get; }

    /// <summary>Encoded size in bytes, function code included.</summary>
    public abstract int Length { get; }

    /// <summary>Encodes the PDU into <paramref name="destination"/>; returns the bytes written.</summary>
    public abstract int Encode(Span<byte> destination);

    /// <summary>Creates an exception response for <paramref name="functionCode"/>.</summary>
    public static ModbusExceptionResponse Exception(ModbusFunctionCode functionCode, ModbusExceptionCode exceptionCode) =>
        new(functionCode, exceptionCode);

    private sealed class Sentinel(string name) : ModbusResponse
    {
        public override ModbusFunctionCode FunctionCode => default;

        public override int Length => 0;

        public override int Encode(Span<byte> destination) =>
            throw new InvalidOperationException($"{name} is a server instruction, not a PDU.");

        public override string ToString() => name;
    }
}
