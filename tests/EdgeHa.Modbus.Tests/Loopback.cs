using System.Net;
using System.Net.Sockets;

namespace EdgeHa.Modbus.Tests;

/// <summary>A server on 127.0.0.1 with an ephemeral port, and helpers to talk to it.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private Loopback(ModbusTcpServer server, ModbusDataStore store)
    {
        Server = server;
        Store = store;
    }

    public ModbusTcpServer Server { get; }

    public ModbusDataStore Store { get; }

    public int Port => Server.LocalEndPoint.Port;

    public static async Task<Loopback> StartAsync(
        ModbusDataStore? store = null,
        IModbusRequestHandler? handler = null,
        Action<ModbusServerOptions>? configure = null,
        IModbusServerObserver? observer = null)
    {
        store ??= ModbusDataStore.CreateFlat(1, 10000);
        var options = new ModbusServerOptions { Address = IPAddress.Loopback, Port = 0 };
        configure?.Invoke(options);
        var server = new ModbusTcpServer(handler ?? new DataStoreRequestHandler(store), options, observer);
        await server.StartAsync();
        return new Loopback(server, store);
    }

    public ModbusClientOptions ClientOptions(Action<ModbusClientOptions>? configure = null)
    {
        var options = new ModbusClientOptions { Host = "127.0.0.1", Port = Port, RequestTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return options;
    }

    public ModbusTcpClient Client(Action<ModbusClientOptions>? configure = null) => new(ClientOptions(configure));

    /// <summary>A raw socket to the server, for frames our client would never send.</summary>
    public async Task<Socket> RawAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
        return socket;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Sends <paramref name="request"/> and reads exactly one ADU back (or null when the server closes).</summary>
    public static async Task<byte[]?> ExchangeAsync(Socket socket, byte[] request)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await socket.SendAsync(request, SocketFlags.None, cts.Token);
        return await ReadAduAsync(socket, cts.Token);
    }

    public static async Task<byte[]?> ReadAduAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new byte[ModbusLimits.MbapHeaderLength];
        if (!await ReadExactlyAsync(socket, header, cancellationToken))
        {
            return null;
        }

        var length = (header[4] << 8) | header[5];
        var adu = new byte[6 + length];
        header.CopyTo(adu, 0);
        return await ReadExactlyAsync(socket, adu.AsMemory(7), cancellationToken) ? adu : null;
    }

    /// <summary>True when the server closed the connection (reads return 0 or reset) within the timeout.</summary>
    public static async Task<bool> IsClosedByPeerAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[512];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                return false;
            }

            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
