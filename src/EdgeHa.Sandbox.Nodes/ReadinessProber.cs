using System.Net;
using System.Net.Sockets;
using EdgeHa.Kube.Models;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>Runs one container's readinessProbe (httpGet or tcpSocket) against the pod IP, with the kubelet's thresholds.</summary>
internal sealed class ReadinessProber
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private readonly Probe _probe;
    private readonly Container _container;
    private readonly string _podIp;
    private int _successes;
    private int _failures;

    public ReadinessProber(Container container, string podIp, TimeSpan? periodOverride)
    {
        _container = container;
        _probe = container.ReadinessProbe!;
        _podIp = podIp;
        Period = periodOverride ?? TimeSpan.FromSeconds(Math.Max(1, _probe.PeriodSeconds ?? 10));
        InitialDelay = TimeSpan.FromSeconds(Math.Max(0, _probe.InitialDelaySeconds ?? 0));
        Timeout = TimeSpan.FromSeconds(Math.Max(1, _probe.TimeoutSeconds ?? 1));
        if (periodOverride is { } p && p < Timeout)
        {
            Timeout = p; // a faster sandbox probes with a matching timeout, so one slow answer cannot stall the next probe
        }
    }

    public TimeSpan Period { get; }

    public TimeSpan InitialDelay { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Ready as the kubelet sees it: false until successThreshold probes in a row succeeded.</summary>
    public bool Ready { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Not running: not ready, and the counters start over.</summary>
    public void Reset()
    {
        Ready = false;
        _successes = 0;
        _failures = 0;
    }

    /// <summary>Probes once and updates <see cref="Ready"/>; returns true when it changed.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var before = Ready;
        var ok = await ProbeOnceAsync(cancellationToken);
        if (ok)
        {
            _failures = 0;
            if (++_successes >= Math.Max(1, _probe.SuccessThreshold ?? 1))
            {
                Ready = true;
            }
        }
        else
        {
            _successes = 0;
            if (++_failures >= Math.Max(1, _probe.FailureThreshold ?? 3) || !Ready)
            {
                Ready = false;
            }
        }

        return before != Ready;
    }

    private async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (_probe.HttpGet is { } http)
            {
                var port = ResolvePort(http.Port);
                var scheme = string.Equals(http.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
                var path = string.IsNullOrEmpty(http.Path) ? "/" : http.Path;
                var uri = new Uri($"{scheme}://{http.Host ?? _podIp}:{port}{(path.StartsWith('/') ? path : "/" + path)}");
                using var response = await Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var code = (int)response.StatusCode;
                LastError = code is >= 200 and < 400 ? null : $"HTTP probe failed with statuscode: {code}";
                return LastError is null;
            }

            if (_probe.TcpSocket is { } tcp)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(tcp.Host ?? _podIp), ResolvePort(tcp.Port)), timeout.Token);
                LastError = null;
                return true;
            }

            LastError = "only httpGet and tcpSocket readiness probes are supported by the sandbox";
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LastError = $"probe timed out after {Timeout.TotalMilliseconds:F0} ms";
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or FormatException or InvalidOperationException or ArgumentException)
        {
            LastError = ex.Message;
            return false;
        }
    }

    private int ResolvePort(IntOrString port)
    {
        if (port.Int is { } number)
        {
            return number;
        }

        return _container.Ports?.FirstOrDefault(p => p.Name == port.String)?.Port
            ?? throw new InvalidOperationException($"named port \"{port.String}\" is not declared by container {_container.Name}");
    }
}
