namespace EdgeHa.Modbus.Tests;

/// <summary>A request PDU of fixed bytes, for function codes the library does not implement.</summary>
internal class ModbusRequestPduShim(byte[] pdu) : ModbusRequestPdu
{
    public override ModbusFunctionCode FunctionCode => (ModbusFunctionCode)pdu[0];

    public override int Length => pdu.Length;

    public override int Encode(Span<byte> destination)
    {
        pdu.CopyTo(destination);
        return pdu.Length;
    }

    private protected override ModbusResponse DecodeNormalResponse(ReadOnlySpan<byte> response) =>
        throw new ModbusProtocolException("Not expected in tests.");
}
