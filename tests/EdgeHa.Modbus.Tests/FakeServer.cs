using System.Net;
using System.Net.Sockets;

namespace EdgeHa.Modbus.Tests;

/// <summary>A scripted peer on loopback that runs <c>script</c> for each accepted connection.</summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private FakeServer(TcpListener listener, Func<NetworkStream, ModbusFrameReader, Task> script)
    {
        _listener = listener;
        _loop = Task.Run(async () =>
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    connections.Add(Task.Run(async () =>
                    {
                        using var stream = new NetworkStream(socket, ownsSocket: true);
                        try
                        {
                            await script(stream, new ModbusFrameReader(stream)).WaitAsync(Loopback.Timeout, _stop.Token);
                        }
                        catch (Exception ex) when (ex is IOException or OperationCanceledException or TimeoutException or ModbusProtocolException)
                        {
                            // The peer went away or the test ended.
                        }
                    }));
                }
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(connections);
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static Task<FakeServer> StartAsync(Func<NetworkStream, ModbusFrameReader, Task> script)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new FakeServer(listener, script));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
