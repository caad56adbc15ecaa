using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace EdgeHa.Modbus;

/// <summary>
/// A Modbus TCP server: accepts connections, splits each into frames, hands decoded requests to an
/// <see cref="IModbusRequestHandler"/> and writes the answers. Requests on one connection are served in order
/// (pipelined requests are all answered; answers to a burst go out in one send); connections are served
/// concurrently. A framing error closes only the connection it happened on.
/// </summary>
public sealed class ModbusTcpServer : IAsyncDisposable
{
    private readonly IModbusRequestHandler _handler;
    private readonly ModbusServerOptions _options;
    private readonly IModbusServerObserver? _observer;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<ModbusServerConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _state; // 0 new, 1 started, 2 stopped

    public ModbusTcpServer(IModbusRequestHandler handler, ModbusServerOptions? options = null, IModbusServerObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new ModbusServerOptions();
        _options.Validate();
        _handler = handler;
        _observer = observer;
        _time = _options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The bound address and port (the real port when 0 was asked for). Valid after <see cref="StartAsync"/>.</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint?)_listener?.LocalEndPoint ?? throw new InvalidOperationException("The server has not been started.");

    /// <summary>Connections open right now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Binds and starts accepting connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server can be started once.");
        }

        var listener = new Socket(_options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_options.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(new IPEndPoint(_options.Address, _options.Port));
            listener.Listen(Math.Min(_options.MaxConnections, 512));
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops gracefully: stops accepting, lets each connection finish the request it is serving (up to
    /// <see cref="ModbusServerOptions.ShutdownTimeout"/>), then closes every connection.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        _listener?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);

        var all = Task.WhenAll(_connections.Values);
        try
        {
            await all.WaitAsync(_options.ShutdownTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // In-flight requests outlived the grace period: cancel the handlers and close the sockets.
            await _abort.CancelAsync().ConfigureAwait(false);
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }

            try
            {
                // Sockets are closed; only a handler that ignores its cancellation token can still be running.
                await all.WaitAsync(_options.ShutdownTimeout, _time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Leave such a handler behind rather than hang the caller.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            // Never started: nothing to stop.
        }
        else
        {
            await StopAsync().ConfigureAwait(false);
        }

        _listener?.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection that failed during the handshake (reset by peer) must not stop the server.
                continue;
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                var remote = socket.RemoteEndPoint;
                socket.Dispose();
                _observer?.OnConnectionRejected(remote);
                continue;
            }

            ModbusServerConnection connection;
            try
            {
                socket.NoDelay = true;
                connection = new ModbusServerConnection(socket, _handler, _options, _observer, _time, _stopping.Token, _abort.Token);
            }
            catch (SocketException)
            {
                // Reset by the peer between accept and set-up.
                socket.Dispose();
                continue;
            }

            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = RunConnectionAsync(connection, started.Task);
            _connections[connection] = task;
            started.SetResult();
        }
    }

    private async Task RunConnectionAsync(ModbusServerConnection connection, Task registered)
    {
        // Wait until the connection is in the table, so removal below can never run before insertion.
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }
}
