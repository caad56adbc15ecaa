using System.Net.Sockets;

namespace EdgeHa.Modbus;

/// <summary>
/// An async Modbus TCP client. Thread-safe: concurrent requests are pipelined over one connection and matched by
/// transaction id. Connects on first use (or <see cref="ConnectAsync"/>); after a broken connection the next request
/// reconnects at once, and after a failed connect further attempts back off exponentially from
/// <see cref="ModbusClientOptions.ReconnectMinDelay"/> to <see cref="ModbusClientOptions.ReconnectMaxDelay"/>
/// (requests during the back-off fail fast with <see cref="IOException"/>).
/// </summary>
/// <remarks>
/// Failures: <see cref="ModbusException"/> for an exception response, <see cref="TimeoutException"/> when no answer
/// arrives within <see cref="ModbusClientOptions.RequestTimeout"/>, <see cref="ModbusProtocolException"/> for a
/// malformed answer, <see cref="IOException"/> or <see cref="SocketException"/> for connection trouble, and
/// <see cref="ArgumentOutOfRangeException"/> (before anything is sent) for a request that breaks the spec's limits.
/// </remarks>
public sealed class ModbusTcpClient : IAsyncDisposable
{
    private readonly ModbusClientOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _disposed = new();
    private ModbusClientConnection? _connection;
    private int _failedConnects;
    private long _nextAttemptTimestamp;

    public ModbusTcpClient(ModbusClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = options.TimeProvider ?? TimeProvider.System;
        _slots = new SemaphoreSlim(options.MaxPendingRequests, options.MaxPendingRequests);
    }

    /// <summary>True while a connection is open.</summary>
    public bool IsConnected => _connection is { IsAlive: true };

    /// <summary>Opens the connection now (ignoring any back-off), unless one is open.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await EnsureConnectedAsync(ignoreBackoff: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Function 01.</summary>
    public async Task<bool[]> ReadCoilsAsync(byte unitId, ushort address, int count, CancellationToken cancellationToken = default)
    {
        CheckSpan(address, count);
        var response = await SendAsync(unitId, new ReadCoilsRequest(address, count), cancellationToken).ConfigureAwait(false);
        return ((ReadBitsResponse)response).Values;
    }

    /// <summary>Function 02.</summary>
    public async Task<bool[]> ReadDiscreteInputsAsync(byte unitId, ushort address, int count, CancellationToken cancellationToken = default)
    {
        CheckSpan(address, count);
        var response = await SendAsync(unitId, new ReadDiscreteInputsRequest(address, count), cancellationToken).ConfigureAwait(false);
        return ((ReadBitsResponse)response).Values;
    }

    /// <summary>Function 03.</summary>
    public async Task<ushort[]> ReadHoldingRegistersAsync(byte unitId, ushort address, int count, CancellationToken cancellationToken = default)
    {
        CheckSpan(address, count);
        var response = await SendAsync(unitId, new ReadHoldingRegistersRequest(address, count), cancellationToken).ConfigureAwait(false);
        return ((ReadRegistersResponse)response).Values;
    }

    /// <summary>Function 04.</summary>
    public async Task<ushort[]> ReadInputRegistersAsync(byte unitId, ushort address, int count, CancellationToken cancellationToken = default)
    {
        CheckSpan(address, count);
        var response = await SendAsync(unitId, new ReadInputRegistersRequest(address, count), cancellationToken).ConfigureAwait(false);
        return ((ReadRegistersResponse)response).Values;
    }

    /// <summary>Function 05.</summary>
    public Task WriteSingleCoilAsync(byte unitId, ushort address, bool value, CancellationToken cancellationToken = default) =>
        SendAsync(unitId, new WriteSingleCoilRequest(address, value), cancellationToken);

    /// <summary>Function 06.</summary>
    public Task WriteSingleRegisterAsync(byte unitId, ushort address, ushort value, CancellationToken cancellationToken = default) =>
        SendAsync(unitId, new WriteSingleRegisterRequest(address, value), cancellationToken);

    /// <summary>Function 15 (0x0F).</summary>
    public Task WriteMultipleCoilsAsync(byte unitId, ushort address, bool[] values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var request = new WriteMultipleCoilsRequest(address, values);
        CheckSpan(address, values.Length);
        return SendAsync(unitId, request, cancellationToken);
    }

    /// <summary>Function 16 (0x10).</summary>
    public Task WriteMultipleRegistersAsync(byte unitId, ushort address, ushort[] values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var request = new WriteMultipleRegistersRequest(address, values);
        CheckSpan(address, values.Length);
        return SendAsync(unitId, request, cancellationToken);
    }

    /// <summary>Function 23 (0x17): writes <paramref name="writeValues"/> at <paramref name="writeAddress"/>, then reads.</summary>
    public async Task<ushort[]> ReadWriteMultipleRegistersAsync(
        byte unitId, ushort readAddress, int readCount, ushort writeAddress, ushort[] writeValues, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writeValues);
        var request = new ReadWriteMultipleRegistersRequest(readAddress, readCount, writeAddress, writeValues);
        CheckSpan(readAddress, readCount);
        CheckSpan(writeAddress, writeValues.Length);
        var response = await SendAsync(unitId, request, cancellationToken).ConfigureAwait(false);
        return ((ReadRegistersResponse)response).Values;
    }

    /// <summary>Sends any request PDU and returns the decoded answer; an exception response throws <see cref="ModbusException"/>.</summary>
    public async Task<ModbusResponse> SendAsync(byte unitId, ModbusRequestPdu request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var connection = _connection is { IsAlive: true } open
            ? open
            : await EnsureConnectedAsync(ignoreBackoff: false, cancellationToken).ConfigureAwait(false);

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var pending = new PendingRequest(unitId, request);
        try
        {
            connection.Send(pending);
            var response = await pending.Task.WaitAsync(_options.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
            return response is ModbusExceptionResponse exception ? throw exception.ToException() : response;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"No answer to {request} for unit {unitId} from {_options.Host}:{_options.Port} within {_options.RequestTimeout.TotalMilliseconds} ms.");
        }
        finally
        {
            if (!pending.Task.IsCompleted)
            {
                connection.Forget(pending);
                pending.TrySetCanceled(CancellationToken.None);
            }

            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _connectGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private static void CheckSpan(ushort address, int count)
    {
        if (address + count > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Address {address} plus count {count} runs past 65535.");
        }
    }

    private async ValueTask<ModbusClientConnection> EnsureConnectedAsync(bool ignoreBackoff, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        await _connectGate.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            if (_connection is { IsAlive: true } open)
            {
                return open;
            }

            if (_connection is { } broken)
            {
                _connection = null;
                await broken.DisposeAsync().ConfigureAwait(false);
            }

            if (!ignoreBackoff && _failedConnects > 0 && _time.GetTimestamp() < _nextAttemptTimestamp)
            {
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), _nextAttemptTimestamp);
                throw new IOException(
                    $"Not connected to {_options.Host}:{_options.Port}; the next attempt is in {wait.TotalMilliseconds:F0} ms after {_failedConnects} failed attempt(s).");
            }

            try
            {
                var socket = await ConnectSocketAsync(linked.Token).ConfigureAwait(false);
                _failedConnects = 0;
                _connection = new ModbusClientConnection(socket);
                return _connection;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
            {
                _failedConnects++;
                var delay = BackoffDelay(_failedConnects);
                _nextAttemptTimestamp = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
                throw;
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private TimeSpan BackoffDelay(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var ticks = Math.Min(_options.ReconnectMinDelay.Ticks * factor, _options.ReconnectMaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await socket.ConnectAsync(_options.Host, _options.Port, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Connecting to {_options.Host}:{_options.Port} took longer than {_options.ConnectTimeout.TotalMilliseconds} ms.");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
