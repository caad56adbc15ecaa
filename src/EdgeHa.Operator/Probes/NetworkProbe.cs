using System.Net.Sockets;
using EdgeHa.Modbus;

namespace EdgeHa.Operator.Probes;

/// <summary>
/// The probes the operator sends to collector pods: HTTP GET (2xx and 3xx are healthy, as kubelet's), TCP connect,
/// or a Modbus read of one register (an answer with data is healthy; a Modbus exception is not, so a wrong
/// address shows up instead of passing silently). Each probe uses a fresh connection, so a dead peer cannot hide
/// behind a pooled one, and is bounded by the caller's token.
/// </summary>
public sealed class NetworkProbe : IProbe, IDisposable
{
    private readonly HttpClient _http;

    public NetworkProbe()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            MaxConnectionsPerServer = 16,
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.ConnectionClose = true;
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("edgeha-operator-probe/1.0");
    }

    public async Task<ProbeOutcome> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            return target.Kind switch
            {
                ProbeKind.Http => await HttpAsync(target, cancellationToken).ConfigureAwait(false),
                ProbeKind.Tcp => await TcpAsync(target, cancellationToken).ConfigureAwait(false),
                _ => await ModbusAsync(target, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Fail("timed out");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or ModbusException or ModbusProtocolException or TimeoutException)
        {
            return ProbeOutcome.Fail(e.Message);
        }
    }

    private async Task<ProbeOutcome> HttpAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(target.Https ? "https" : "http", target.Host, target.Port, target.Path).Uri;
        using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var code = (int)response.StatusCode;
        return code is >= 200 and < 400 ? ProbeOutcome.Ok : ProbeOutcome.Fail($"HTTP {code}");
    }

    private static async Task<ProbeOutcome> TcpAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target.Host, target.Port, cancellationToken).ConfigureAwait(false);
        return ProbeOutcome.Ok;
    }

    private static async Task<ProbeOutcome> ModbusAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var client = new ModbusTcpClient(new ModbusClientOptions
        {
            Host = target.Host,
            Port = target.Port,
            // The caller's token bounds the probe; these only keep the client from waiting longer on its own.
            ConnectTimeout = TimeSpan.FromSeconds(60),
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        await using (client.ConfigureAwait(false))
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var values = target.InputRegister
                ? await client.ReadInputRegistersAsync(target.UnitId, target.Address, 1, cancellationToken).ConfigureAwait(false)
                : await client.ReadHoldingRegistersAsync(target.UnitId, target.Address, 1, cancellationToken).ConfigureAwait(false);
            return values.Length == 1 ? ProbeOutcome.Ok : ProbeOutcome.Fail("short Modbus answer");
        }
    }

    public void Dispose() => _http.Dispose();
}
