using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeHa.Fencing;
using EdgeHa.Kube;

namespace EdgeHa.Operator.Tests.Support;

/// <summary>How a collector stand-in answers its health probe.</summary>
internal enum HealthMode
{
    Healthy,
    Failing,
    Silent,
}

/// <summary>
/// The stand-in for a collector pod: a tiny HTTP health server on the pod's IP and port, and a real
/// <see cref="LeaseHolder"/> with the pod's name as identity, so fencing is the real protocol.
/// </summary>
internal sealed class FakeCollector : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serve;
    private readonly Task _hold;
    private readonly LeaseHolder _holder;
    private long _sequence;

    public FakeCollector(string pod, string node, string ip, int port, IKubernetesClient client, string @namespace, string leaseName, ActingLog log, Func<HealthMode> mode, Microsoft.Extensions.Logging.ILoggerFactory logging)
    {
        Pod = pod;
        _listener = new TcpListener(IPAddress.Parse(ip), port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _serve = Task.Run(() => ServeAsync(mode, _stop.Token));
        _holder = new LeaseHolder(client, new LeaseHolderOptions
        {
            Namespace = @namespace,
            LeaseName = leaseName,
            Identity = pod,
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            ShutdownTimeout = TimeSpan.FromSeconds(1),
        }, () => null, logger: Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<LeaseHolder>(logging));
        _holder.StateChanged += (_, s) =>
        {
            if (s.Acting)
            {
                log.Started(pod, node, s.Epoch);
            }
            else
            {
                log.Stopped(pod);
            }
        };
        _hold = Task.Run(() => _holder.RunAsync(_stop.Token));
    }

    public string Pod { get; }

    public bool Acting => _holder.State.Acting;

    /// <summary>The stand-in's real lease holder (a test can make it report as edgeha-agent does).</summary>
    public LeaseHolder Holder => _holder;

    private async Task ServeAsync(Func<HealthMode> mode, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    try
                    {
                        var buffer = new byte[4096];
                        var read = await socket.ReceiveAsync(buffer, cancellationToken);
                        var requestLine = Encoding.ASCII.GetString(buffer, 0, read);
                        if (requestLine.StartsWith("GET /samples", StringComparison.Ordinal))
                        {
                            // The collector's sample feed: one new sample with an advancing sequence per request.
                            var n = Interlocked.Increment(ref _sequence);
                            var json = $"{{\"role\":\"active\",\"samples\":[{{\"sample\":{n},\"sequence\":{n},\"epoch\":1}}]}}";
                            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\nConnection: close\r\n\r\n{json}"), cancellationToken);
                            socket.Shutdown(SocketShutdown.Both);
                            return;
                        }

                        var m = mode();
                        if (m == HealthMode.Silent)
                        {
                            await Task.Delay(Timeout.Infinite, cancellationToken);
                        }

                        var body = m == HealthMode.Healthy ? "ok" : "failing";
                        var status = m == HealthMode.Healthy ? "200 OK" : "503 Service Unavailable";
                        var response = $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                        await socket.SendAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
                        socket.Shutdown(SocketShutdown.Both);
                    }
                    catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // The prober went away or the pod stopped.
                    }
                }
            }, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serve;
        try
        {
            await _hold;
        }
        catch (OperationCanceledException)
        {
        }
        catch (ArgumentOutOfRangeException)
        {
            // LeaseHolder.RenewAsync arms its deadline timer with a negative delay when a renewal took longer than
            // the acting window (a CPU stall); the holder stops. Reported; the stand-in pod simply goes away.
        }

        await _holder.DisposeAsync();
        _stop.Dispose();
    }
}
