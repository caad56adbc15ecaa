using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Sandbox.Nodes.LoadBalancer;

/// <summary>
/// One VIP port: a TCP listener on the VIP's loopback stand-in that forwards each connection to the current backend
/// pod. Changing the backend closes the connections to the old one, as a gratuitous ARP moving the VIP breaks them.
/// </summary>
internal sealed class VipPortForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly TimeSpan _connectTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private IPEndPoint? _backend;
    private CancellationTokenSource _generation = new();
    private int _connections;

    public VipPortForwarder(IPEndPoint listen, TimeSpan connectTimeout, ILogger logger)
    {
        _connectTimeout = connectTimeout;
        _logger = logger;
        _listener = new TcpListener(listen);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where clients connect "through the VIP".</summary>
    public IPEndPoint Endpoint { get; }

    public IPEndPoint? Backend
    {
        get
        {
            lock (_gate)
            {
                return _backend;
            }
        }
    }

    /// <summary>Open forwarded connections.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Points new connections at <paramref name="backend"/> (null: refuse them); a change closes the existing ones.</summary>
    public void SetBackend(IPEndPoint? backend)
    {
        CancellationTokenSource? old = null;
        lock (_gate)
        {
            if (Equals(_backend, backend))
            {
                return;
            }

            _backend = backend;
            old = _generation;
            _generation = new CancellationTokenSource();
        }

        old.Cancel();
        old.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        SetBackend(null);
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopping
        }

        lock (_gate)
        {
            _generation.Cancel();
            _generation.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            IPEndPoint? backend;
            CancellationToken generation;
            lock (_gate)
            {
                backend = _backend;
                generation = _generation.Token;
            }

            _ = Task.Run(() => ForwardAsync(client, backend, generation));
        }
    }

    private async Task ForwardAsync(Socket client, IPEndPoint? backend, CancellationToken generation)
    {
        Interlocked.Increment(ref _connections);
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (backend is null)
            {
                return; // no ready endpoint: the VIP is not answered
            }

            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(generation))
            {
                connect.CancelAfter(_connectTimeout);
                await upstream.ConnectAsync(backend, connect.Token);
            }

            client.NoDelay = true;
            upstream.NoDelay = true;
            using var both = CancellationTokenSource.CreateLinkedTokenSource(generation);
            var up = PumpAsync(client, upstream, both.Token);
            var down = PumpAsync(upstream, client, both.Token);
            var first = await Task.WhenAny(up, down);
            if (!await first)
            {
                // a broken side ends both; a clean end (half-close) lets the other direction finish
                await both.CancelAsync();
            }

            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Log.ForwardEnded(_logger, Endpoint.ToString(), backend?.ToString() ?? "-", ex.Message);
        }
        finally
        {
            Close(client);
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>Copies until the source ends (true: a clean end, passed on as a half-close) or breaks (false).</summary>
    private static async Task<bool> PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return true;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the other side broke, or the endpoint moved
            return false;
        }
    }

    /// <summary>Closes with a reset, so the client sees a broken connection at once rather than a clean end.</summary>
    private static void Close(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // already closed
        }

        socket.Dispose();
    }
}
