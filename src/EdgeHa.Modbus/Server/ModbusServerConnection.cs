using System.Net;
using System.Net.Sockets;

namespace EdgeHa.Modbus;

/// <summary>One accepted connection of a <see cref="ModbusTcpServer"/>: read a frame, serve it, answer; repeat.</summary>
internal sealed class ModbusServerConnection
{
    // Answers to a pipelined burst are gathered and sent together; flush before this many bytes could overflow.
    private const int OutputBufferSize = 16 * ModbusLimits.MaxTcpAduLength;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ModbusFrameReader _reader;
    private readonly IModbusRequestHandler _handler;
    private readonly ModbusServerOptions _options;
    private readonly IModbusServerObserver? _observer;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;
    private readonly CancellationToken _abort;
    private readonly EndPoint? _remote;
    private readonly byte[] _output = new byte[OutputBufferSize];
    private int _outputLength;
    private CancellationTokenSource _readCancel = null!;
    private ITimer? _idleTimer;

    public ModbusServerConnection(
        Socket socket,
        IModbusRequestHandler handler,
        ModbusServerOptions options,
        IModbusServerObserver? observer,
        TimeProvider time,
        CancellationToken stopping,
        CancellationToken abort)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new ModbusFrameReader(_stream);
        _handler = handler;
        _options = options;
        _observer = observer;
        _time = time;
        _stopping = stopping;
        _abort = abort;
        _remote = socket.RemoteEndPoint;
    }

    /// <summary>Closes the socket at once (shutdown grace period exceeded).</summary>
    public void Abort() => _stream.Dispose();

    public async Task RunAsync()
    {
        _observer?.OnConnectionOpened(_remote);
        var reason = ModbusConnectionCloseReason.ClientClosed;
        _readCancel = new CancellationTokenSource();
        using var idleTimer = _time.CreateTimer(static state => ((ModbusServerConnection)state!).CancelRead(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using var onStop = _stopping.UnsafeRegister(static state => ((ModbusServerConnection)state!).CancelRead(), this);
        _idleTimer = idleTimer;
        try
        {
            reason = await ServeAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            reason = ModbusConnectionCloseReason.ServerStopping;
        }
        catch (OperationCanceledException)
        {
            reason = ModbusConnectionCloseReason.IdleTimeout;
        }
        catch (Exception ex) when (ex is ModbusProtocolException or EndOfStreamException)
        {
            reason = ModbusConnectionCloseReason.ProtocolError;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = _stopping.IsCancellationRequested ? ModbusConnectionCloseReason.ServerStopping : ModbusConnectionCloseReason.IoError;
        }
        finally
        {
            _readCancel.Dispose();
            Close();
            _observer?.OnConnectionClosed(_remote, reason);
        }
    }

    private async Task<ModbusConnectionCloseReason> ServeAsync()
    {
        var idle = _options.IdleTimeout;
        while (true)
        {
            if (_stopping.IsCancellationRequested)
            {
                // Graceful stop: answers already served still go out; nothing new is read.
                await FlushAsync().ConfigureAwait(false);
                return ModbusConnectionCloseReason.ServerStopping;
            }

            ModbusFrame? next;
            if (_reader.HasBufferedFrame)
            {
                try
                {
                    next = await _reader.ReadFrameAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (ModbusProtocolException)
                {
                    // Answer the good requests of the burst before closing on the bad frame.
                    await FlushAsync().ConfigureAwait(false);
                    throw;
                }
            }
            else
            {
                // About to wait on the socket: send what is gathered first, then arm the idle timer.
                await FlushAsync().ConfigureAwait(false);
                _idleTimer!.Change(idle, Timeout.InfiniteTimeSpan);
                next = await _reader.ReadFrameAsync(_readCancel.Token).ConfigureAwait(false);
                _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                if (!_readCancel.TryReset())
                {
                    // The timer fired just as the frame arrived: the frame counts as activity, so carry on with a fresh source.
                    var old = _readCancel;
                    _readCancel = new CancellationTokenSource();
                    old.Dispose();
                }
            }

            if (next is not { } frame)
            {
                await FlushAsync().ConfigureAwait(false);
                return ModbusConnectionCloseReason.ClientClosed;
            }

            var started = _time.GetTimestamp();
            var response = await ServeFrameAsync(frame).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            var functionCode = frame.Header.PduLength > 0 ? (ModbusFunctionCode)frame.Pdu.Span[0] : default;

            if (ReferenceEquals(response, ModbusResponse.DropConnection))
            {
                _observer?.OnRequest(frame.Header.UnitId, functionCode, null, elapsed);
                await FlushAsync().ConfigureAwait(false);
                return ModbusConnectionCloseReason.DroppedByHandler;
            }

            _observer?.OnRequest(frame.Header.UnitId, functionCode, (response as ModbusExceptionResponse)?.ExceptionCode, elapsed);
            if (ReferenceEquals(response, ModbusResponse.NoResponse))
            {
                continue;
            }

            if (_outputLength + ModbusLimits.MaxTcpAduLength > _output.Length)
            {
                await FlushAsync().ConfigureAwait(false);
            }

            _outputLength += ModbusFrameWriter.Write(_output.AsSpan(_outputLength), frame.Header.TransactionId, frame.Header.UnitId, response);
        }
    }

    private async ValueTask<ModbusResponse> ServeFrameAsync(ModbusFrame frame)
    {
        var pdu = frame.Pdu.Span;
        if (!ModbusRequestPdu.TryDecode(pdu, out var request, out var error))
        {
            // PDU length 0 is impossible here: the MBAP length is at least 2.
            return ModbusResponse.Exception((ModbusFunctionCode)(pdu[0] & 0x7F), error);
        }

        try
        {
            var response = await _handler.HandleAsync(new ModbusRequest(frame.Header.UnitId, frame.Header.TransactionId, request), _abort)
                .ConfigureAwait(false);
            return response ?? ModbusResponse.Exception(request.FunctionCode, ModbusExceptionCode.ServerDeviceFailure);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return ModbusResponse.DropConnection;
        }
#pragma warning disable CA1031 // A failing handler answers 04 (server device failure) rather than killing the connection.
        catch (Exception)
#pragma warning restore CA1031
        {
            return ModbusResponse.Exception(request.FunctionCode, ModbusExceptionCode.ServerDeviceFailure);
        }
    }

    private void CancelRead()
    {
        try
        {
            Volatile.Read(ref _readCancel).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The read finished and its source was replaced in the meantime.
        }
    }

    private async ValueTask FlushAsync()
    {
        if (_outputLength == 0)
        {
            return;
        }

        var length = _outputLength;
        _outputLength = 0;
        await _stream.WriteAsync(_output.AsMemory(0, length), _abort).ConfigureAwait(false);
    }

    private void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer or by Abort.
        }

        _stream.Dispose();
    }
}
