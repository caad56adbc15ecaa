using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Sandbox.Nodes.Tests.Support;

/// <summary>
/// An in-process container: listens on EDGEHA_BIND_ADDRESS:8080 (or $PORT), greets each connection with
/// "&lt;POD_NAME&gt;\n" and echoes what it receives. Counts starts and stops per pod.
/// </summary>
internal sealed class EchoContainer
{
    public const string Image = "registry.example/edgeha/echo:1.0";
    public const int Port = 8080;

    public ConcurrentDictionary<string, int> Starts { get; } = new();

    public ConcurrentDictionary<string, int> Stops { get; } = new();

    public ConcurrentDictionary<string, InProcessContainer> Running { get; } = new();

    public InProcessPodRuntime Runtime() => new(
        image => ImageMap.Repository(image) == "edgeha/echo" ? StartAsync : null,
        new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10)));

    public int StartsOf(string pod) => Starts.GetValueOrDefault(pod);

    private Task<IAsyncDisposable> StartAsync(InProcessContainer container, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(container.Env("EDGEHA_BIND_ADDRESS")!);
        var port = int.TryParse(container.Env("PORT"), out var p) ? p : Port;
        var listener = new TcpListener(address, port);
        listener.Start();
        var pod = container.Pod.Name;
        Starts.AddOrUpdate(pod, 1, (_, n) => n + 1);
        Running[pod] = container;
        var server = new Server(listener, container.Env("POD_NAME")!, () =>
        {
            Stops.AddOrUpdate(pod, 1, (_, n) => n + 1);
            Running.TryRemove(pod, out _);
        });
        return Task.FromResult<IAsyncDisposable>(server);
    }

    /// <summary>Connects to an endpoint and reads the greeting line (the pod name).</summary>
    public static async Task<(TcpClient Client, string Greeting)> ConnectAsync(IPEndPoint endpoint, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endpoint, cts.Token);
            var greeting = await ReadLineAsync(client.GetStream(), cts.Token);
            return (client, greeting);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            var n = await stream.ReadAsync(one, ct);
            if (n == 0)
            {
                throw new EndOfStreamException("connection closed before a full line");
            }

            if (one[0] == '\n')
            {
                return sb.ToString();
            }

            sb.Append((char)one[0]);
        }
    }

    private sealed class Server : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly string _greeting;
        private readonly Action _stopped;
        private readonly CancellationTokenSource _cts = new();
        private readonly ConcurrentBag<TcpClient> _clients = [];
        private readonly Task _loop;

        public Server(TcpListener listener, string greeting, Action stopped)
        {
            _listener = listener;
            _greeting = greeting;
            _stopped = stopped;
            _loop = Task.Run(AcceptAsync);
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            _listener.Stop();
            foreach (var c in _clients)
            {
                c.Dispose();
            }

            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or SocketException or ObjectDisposedException)
            {
            }

            _stopped();
            _cts.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_cts.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_cts.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _clients.Add(client);
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            try
            {
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(_greeting + "\n"), _cts.Token);
                var buffer = new byte[1024];
                while (true)
                {
                    var n = await stream.ReadAsync(buffer, _cts.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, n), _cts.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}
