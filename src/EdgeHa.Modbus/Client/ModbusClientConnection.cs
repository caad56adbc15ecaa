using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;

namespace EdgeHa.Modbus;

/// <summary>
/// One TCP connection of a <see cref="ModbusTcpClient"/>. Callers enqueue requests on a channel; a writer loop
/// owns the socket's send side and batches queued frames into one send; a reader loop owns the receive side and
/// matches answers to requests by transaction id. No lock guards the socket.
/// </summary>
internal sealed class ModbusClientConnection : IAsyncDisposable
{
    private const int SendBufferSize = 16 * ModbusLimits.MaxTcpAduLength;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Channel<PendingRequest> _outbox = Channel.CreateUnbounded<PendingRequest>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly ConcurrentDictionary<ushort, PendingRequest> _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _writer;
    private readonly Task _reader;
    private int _nextTransactionId;
    private Exception? _fault;

    public ModbusClientConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    public bool IsAlive => !_closed.IsCancellationRequested;

    /// <summary>Assigns a free transaction id, registers the request and queues its frame.</summary>
    public void Send(PendingRequest request)
    {
        ushort id;
        do
        {
            id = unchecked((ushort)Interlocked.Increment(ref _nextTransactionId));
        }
        while (!_pending.TryAdd(id, request));

        request.Encode(id);
        if (!_outbox.Writer.TryWrite(request) || !IsAlive)
        {
            _pending.TryRemove(id, out _);
            request.TrySetException(ClosedException());
        }
    }

    /// <summary>Forgets a request that timed out or was cancelled, so a late answer is dropped.</summary>
    public void Forget(PendingRequest request)
    {
        var id = (ushort)((request.Frame[0] << 8) | request.Frame[1]);
        _pending.TryRemove(new KeyValuePair<ushort, PendingRequest>(id, request));
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(ModbusTcpClient)));
        await Task.WhenAll(_writer, _reader).ConfigureAwait(false);
        _closed.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new byte[SendBufferSize];
        var reader = _outbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closed.Token).ConfigureAwait(false))
            {
                var length = 0;
                while (length + ModbusLimits.MaxTcpAduLength <= buffer.Length && reader.TryRead(out var request))
                {
                    if (request.Task.IsCompleted)
                    {
                        continue; // timed out or cancelled while queued
                    }

                    request.Frame.CopyTo(buffer, length);
                    length += request.Frame.Length;
                }

                if (length > 0)
                {
                    await _stream.WriteAsync(buffer.AsMemory(0, length), _closed.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail(new IOException("The connection to the Modbus server failed while sending.", ex));
        }
    }

    private async Task ReadLoopAsync()
    {
        var frames = new ModbusFrameReader(_stream);
        try
        {
            while (true)
            {
                var next = await frames.ReadFrameAsync(_closed.Token).ConfigureAwait(false);
                if (next is not { } frame)
                {
                    Fail(new IOException("The Modbus server closed the connection."));
                    return;
                }

                // An unknown id is a late answer to a request that timed out: drop it.
                if (_pending.TryRemove(frame.Header.TransactionId, out var request))
                {
                    request.Complete(frame.Header, frame.Pdu.Span);
                }
            }
        }
        catch (ModbusProtocolException ex)
        {
            // The byte stream can no longer be split into frames: the connection is unusable.
            Fail(ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail(new IOException("The connection to the Modbus server failed while receiving.", ex));
        }
    }

    private void Fail(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _fault, reason, null) != null)
        {
            return;
        }

        _outbox.Writer.TryComplete();
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException)
        {
            // Registrations belong to this connection's own loops and do not throw; nothing to report.
        }

        _stream.Dispose();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var request))
            {
                request.TrySetException(ClosedException());
            }
        }

        while (_outbox.Reader.TryRead(out var queued))
        {
            queued.TrySetException(ClosedException());
        }
    }

    private Exception ClosedException() => _fault switch
    {
        ModbusProtocolException protocol => new ModbusProtocolException(protocol.Message, protocol),
        ObjectDisposedException disposed => disposed,
        { } other => new IOException(other.Message, other),
        null => new IOException("The connection to the Modbus server is closed."),
    };
}
