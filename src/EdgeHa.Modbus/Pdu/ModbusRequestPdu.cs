using System.Diagnostics.CodeAnalysis;

namespace EdgeHa.Modbus;

/// <summary>
/// A request PDU (function code plus data). One sealed subclass per function code; instances are immutable and
/// always satisfy the quantity limits of the spec (the address range is the server's business: exception 02).
/// </summary>
public abstract class ModbusRequestPdu
{
    private protected ModbusRequestPdu()
    {
    }

    public abstract ModbusFunctionCode FunctionCode { get; }

    /// <summary>Encoded size in bytes, function code included.</summary>
    public abstract int Length { get; }

    /// <summary>Encodes the PDU into <paramref name="destination"/>; returns the bytes written.</summary>
    public abstract int Encode(Span<byte> destination);

    /// <summary>Decodes and checks the response PDU to this request (the exception response included).</summary>
    /// <exception cref="ModbusProtocolException">The response does not match this request.</exception>
    public ModbusResponse DecodeResponse(ReadOnlySpan<byte> pdu)
    {
        if (pdu.Length == 0)
        {
            throw new ModbusProtocolException("Empty response PDU.");
        }

        if (pdu[0] == ((byte)FunctionCode | 0x80))
        {
            if (pdu.Length != 2)
            {
                throw PduCodec.Malformed(FunctionCode, $"exception response of {pdu.Length} bytes, expected 2");
            }

            return new ModbusExceptionResponse(FunctionCode, (ModbusExceptionCode)pdu[1]);
        }

        if (pdu[0] != (byte)FunctionCode)
        {
            throw PduCodec.Malformed(FunctionCode, $"function code 0x{pdu[0]:X2}");
        }

        return DecodeNormalResponse(pdu);
    }

    private protected abstract ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> pdu);

    /// <summary>
    /// Decodes a request PDU as a server does, checking structure and quantity. On failure
    /// <paramref name="error"/> is the exception code to answer: 01 for an unknown function, 03 for a bad
    /// quantity, byte count, value or length.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> pdu, [NotNullWhen(true)] out ModbusRequestPdu? request, out ModbusExceptionCode error)
    {
        request = null;
        error = ModbusExceptionCode.IllegalFunction;
        if (pdu.Length == 0)
        {
            return false;
        }

        var data = pdu[1..];
        switch ((ModbusFunctionCode)pdu[0])
        {
            case ModbusFunctionCode.ReadCoils:
            case ModbusFunctionCode.ReadDiscreteInputs:
            case ModbusFunctionCode.ReadHoldingRegisters:
            case ModbusFunctionCode.ReadInputRegisters:
                request = DecodeRead((ModbusFunctionCode)pdu[0], data);
                break;
            case ModbusFunctionCode.WriteSingleCoil:
                request = WriteSingleCoilRequest.DecodeData(data);
                break;
            case ModbusFunctionCode.WriteSingleRegister:
                request = data.Length == 4
                    ? new WriteSingleRegisterRequest(PduCodec.ReadUInt16(data, 0), PduCodec.ReadUInt16(data, 2))
                    : null;
                break;
            case ModbusFunctionCode.WriteMultipleCoils:
                request = WriteMultipleCoilsRequest.DecodeData(data);
                break;
            case ModbusFunctionCode.WriteMultipleRegisters:
                request = WriteMultipleRegistersRequest.DecodeData(data);
                break;
            case ModbusFunctionCode.ReadWriteMultipleRegisters:
                request = ReadWriteMultipleRegistersRequest.DecodeData(data);
                break;
            default:
                return false;
        }

        error = ModbusExceptionCode.IllegalDataValue;
        return request is not null;
    }

    private static ModbusRequestPdu? DecodeRead(ModbusFunctionCode function, ReadOnlySpan<byte> data)
    {
        if (data.Length != 4)
        {
            return null;
        }

        var address = PduCodec.ReadUInt16(data, 0);
        var quantity = PduCodec.ReadUInt16(data, 2);
        var max = function is ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs
            ? ModbusLimits.MaxReadBits
            : ModbusLimits.MaxReadRegisters;
        if (quantity < 1 || quantity > max)
        {
            return null;
        }

        return function switch
        {
            ModbusFunctionCode.ReadCoils => new ReadCoilsRequest(address, quantity),
            ModbusFunctionCode.ReadDiscreteInputs => new ReadDiscreteInputsRequest(address, quantity),
            ModbusFunctionCode.ReadHoldingRegisters => new ReadHoldingRegistersRequest(address, quantity),
            _ => new ReadInputRegistersRequest(address, quantity),
        };
    }
}
