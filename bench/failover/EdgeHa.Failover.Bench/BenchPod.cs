using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeHa.Fencing;
using EdgeHa.Kube;
using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Failover.Bench;

/// <summary>
/// The benchmark's collector pod, light enough for 2,000 of them in one process: an HTTP health endpoint on
/// <c>POD_IP:8080</c> (200, or 503 while failing), a data port on <c>POD_IP:5020</c> that greets every connection
/// with the pod name (what the VIP forwards to), and a real <see cref="LeaseHolder"/> for the pair Lease, so the
/// promotion is the real fencing protocol. Times are recorded with <see cref="Stopwatch"/> timestamps.
/// </summary>
internal sealed class BenchPod : IAsyncDisposable
{
    public const int HealthPort = 8080;
    public const int DataPort = 5020;

    private readonly TcpListener _health;
    private readonly TcpListener _data;
    private readonly CancellationTokenSource _stop = new();
    private readonly LeaseHolder _holder;
    private readonly Task[] _tasks;
    private readonly byte[] _greeting;
    private volatile bool _failing;
    private int _failuresServed;
    private long _thresholdFailureAt;
    private int _failureThreshold = int.MaxValue;

    private BenchPod(string pod, string node, string ip, LeaseHolderOptions holder, IKubernetesClient client)
    {
        Pod = pod;
        Node = node;
        _greeting = Encoding.ASCII.GetBytes(pod + "\n");
        _health = Listen(ip, HealthPort);
        _data = Listen(ip, DataPort);
        _holder = new LeaseHolder(client, holder, () => null);
        _holder.StateChanged += (_, s) =>
        {
            if (s.Acting)
            {
                Interlocked.Exchange(ref ActingSinceTimestamp, Stopwatch.GetTimestamp());
            }
            else
            {
                Interlocked.Exchange(ref ActingSinceTimestamp, 0);
            }
        };
        _tasks = [Task.Run(() => ServeHealthAsync(_stop.Token)), Task.Run(() => ServeDataAsync(_stop.Token)), Task.Run(() => HoldAsync(_stop.Token))];
    }

    /// <summary>Every running bench pod by name.</summary>
    public static ConcurrentDictionary<string, BenchPod> Running { get; } = new(StringComparer.Ordinal);

    public string Pod { get; }

    public string Node { get; }

    /// <summary>When the holder last started acting (Stopwatch timestamp), 0 while not acting.</summary>
    public long ActingSinceTimestamp;

    public bool Acting => _holder.State.Acting;

    /// <summary>The in-process image: one bench pod per container.</summary>
    public static InProcessContainerStart Image(IKubernetesClient client) => (container, _) =>
    {
        var pod = container.Env("POD_NAME") ?? container.Pod.Name;
        var options = new LeaseHolderOptions
        {
            Namespace = container.Env("EDGEHA_LEASE_NAMESPACE") ?? container.Pod.Namespace,
            LeaseName = container.Env("EDGEHA_LEASE_NAME") ?? throw new InvalidOperationException("EDGEHA_LEASE_NAME is not set"),
            Identity = pod,
            DefaultTerms = Terms(container),
            RequestTimeout = TimeSpan.FromSeconds(2),
            ShutdownTimeout = TimeSpan.FromSeconds(1),
        };
        var benchPod = new BenchPod(pod, container.Pod.NodeName, container.Pod.PodIP, options, client);
        Running[pod] = benchPod;
        return Task.FromResult<IAsyncDisposable>(benchPod);
    };

    private static LeaseTerms Terms(InProcessContainer container) =>
        int.TryParse(container.Env("BENCH_LEASE_MS"), CultureInfo.InvariantCulture, out var lease) && int.TryParse(container.Env("BENCH_RENEW_MS"), CultureInfo.InvariantCulture, out var renew)
            ? new LeaseTerms(TimeSpan.FromMilliseconds(lease), TimeSpan.FromMilliseconds(renew), TimeSpan.FromMilliseconds(500))
            : LeaseTerms.Default;

    /// <summary>
    /// Makes the health endpoint fail from now on; the time the pod answers its <paramref name="threshold"/>-th
    /// failing probe is kept: the operator cannot decide before that instant.
    /// </summary>
    public void StartFailing(int threshold)
    {
        Volatile.Write(ref _failuresServed, 0);
        Interlocked.Exchange(ref _thresholdFailureAt, 0);
        _failureThreshold = threshold;
        _failing = true;
    }

    public void StopFailing()
    {
        _failing = false;
        _failureThreshold = int.MaxValue;
    }

    /// <summary>When the failing probe that completed the failure threshold was answered (Stopwatch timestamp), or 0.</summary>
    public long ThresholdFailureTimestamp => Interlocked.Read(ref _thresholdFailureAt);

    private static TcpListener Listen(string ip, int port)
    {
        var listener = new TcpListener(IPAddress.Parse(ip), port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start(64);
        return listener;
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _holder.RunAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or ArgumentOutOfRangeException)
        {
            // Stopped (or the holder gave up after a stall); the pod simply stops holding.
        }
    }

    private async Task ServeHealthAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _health.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            // Probes are tiny: answered inline, one connection at a time.
            using (socket)
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    _ = await socket.ReceiveAsync(buffer, timeout.Token);
                    var failing = _failing;
                    var response = failing
                        ? "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nfailing"u8.ToArray()
                        : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray();
                    await socket.SendAsync(response, timeout.Token);
                    socket.Shutdown(SocketShutdown.Both);
                    if (failing && Interlocked.Increment(ref _failuresServed) == _failureThreshold)
                    {
                        Interlocked.CompareExchange(ref _thresholdFailureAt, Stopwatch.GetTimestamp(), 0);
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The prober went away.
                }
            }
        }
    }

    private async Task ServeDataAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _data.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            using (socket)
            {
                try
                {
                    await socket.SendAsync(_greeting, cancellationToken);
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(new KeyValuePair<string, BenchPod>(Pod, this));
        await _stop.CancelAsync();
        _health.Stop();
        _data.Stop();
        await Task.WhenAll(_tasks);
        await _holder.DisposeAsync();
        _stop.Dispose();
    }
}
