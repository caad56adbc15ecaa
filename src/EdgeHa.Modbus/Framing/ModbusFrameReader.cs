namespace EdgeHa.Modbus;

/// <summary>
/// Splits a byte stream into Modbus TCP frames. The MBAP header is validated before the body is read, so a
/// hostile length can never make the reader wait for or buffer more than one maximal ADU. One reader per stream;
/// not thread-safe.
/// </summary>
public sealed class ModbusFrameReader
{
    // Room for several pipelined ADUs so one receive call can pick up a burst of requests.
    private const int BufferSize = 8 * ModbusLimits.MaxTcpAduLength;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    public ModbusFrameReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>True when the next read completes without touching the stream (a whole frame, or a bad header, is buffered).</summary>
    public bool HasBufferedFrame
    {
        get
        {
            var available = _end - _start;
            if (available < ModbusLimits.MbapHeaderLength)
            {
                return false;
            }

            var header = MbapHeader.Read(_buffer.AsSpan(_start, ModbusLimits.MbapHeaderLength));
            return !header.IsValid || available >= ModbusLimits.MbapHeaderLength - 1 + header.Length;
        }
    }

    /// <summary>
    /// Reads the next frame. Returns null at a clean end of stream (between frames); throws
    /// <see cref="ModbusProtocolException"/> for a bad header and <see cref="EndOfStreamException"/> for a
    /// stream that ends inside a frame.
    /// </summary>
    public async ValueTask<ModbusFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryParse(out var header, out var total))
            {
                var pdu = new ReadOnlyMemory<byte>(_buffer, _start + ModbusLimits.MbapHeaderLength, header.PduLength);
                _start += total;
                return new ModbusFrame(header, pdu);
            }

            if (_start > 0)
            {
                // Compact: everything before _start has been handed out and is no longer needed.
                var pending = _end - _start;
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
                _start = 0;
                _end = pending;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new EndOfStreamException($"The connection closed inside a frame ({_end - _start} bytes pending).");
            }

            _end += read;
        }
    }

    private bool TryParse(out MbapHeader header, out int total)
    {
        var available = _end - _start;
        header = default;
        total = 0;
        if (available < ModbusLimits.MbapHeaderLength)
        {
            return false;
        }

        header = MbapHeader.Read(_buffer.AsSpan(_start, ModbusLimits.MbapHeaderLength));
        header.Validate();
        total = ModbusLimits.MbapHeaderLength - 1 + header.Length;
        return available >= total;
    }
}
