namespace EdgeHa.Modbus;

/// <summary>A request on its way: the encoded frame for the writer, and the completion the reader fulfils.</summary>
internal sealed class PendingRequest(byte unitId, ModbusRequestPdu pdu)
    : TaskCompletionSource<ModbusResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public byte UnitId { get; } = unitId;

    public ModbusRequestPdu Pdu { get; } = pdu;

    public byte[] Frame { get; } = new byte[ModbusLimits.MbapHeaderLength + pdu.Length];

    public void Encode(ushort transactionId) => ModbusFrameWriter.Write(Frame, transactionId, UnitId, Pdu);

    /// <summary>Decodes the answer and completes the request; a mismatched answer fails only this request.</summary>
    public void Complete(MbapHeader header, ReadOnlySpan<byte> pdu)
    {
        if (header.UnitId != UnitId)
        {
            TrySetException(new ModbusProtocolException($"Response unit id {header.UnitId} does not match request unit id {UnitId}."));
            return;
        }

        try
        {
            TrySetResult(Pdu.DecodeResponse(pdu));
        }
        catch (ModbusProtocolException ex)
        {
            TrySetException(ex);
        }
    }
}
