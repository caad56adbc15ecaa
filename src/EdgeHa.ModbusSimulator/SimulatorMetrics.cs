using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// Counts what the simulator serves and renders it as Prometheus text: connections, requests by unit, function code
/// and exception code, and injected faults. Fed by the Modbus server as its <see cref="IModbusServerObserver"/>.
/// </summary>
public sealed class SimulatorMetrics : IModbusServerObserver
{
    private readonly ConcurrentDictionary<(ModbusFunctionCode Function, ModbusExceptionCode? Exception), long> _requests = new();
    private readonly ConcurrentDictionary<ModbusConnectionCloseReason, long> _closed = new();
    private long _opened;
    private long _open;
    private long _injectedDrops;
    private long _injectedExceptions;

    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    public long OpenConnections => Interlocked.Read(ref _open);

    /// <summary>Requests answered with <paramref name="function"/> and (when given) exception code.</summary>
    public long Requests(ModbusFunctionCode function, ModbusExceptionCode? exception = null) =>
        _requests.TryGetValue((function, exception), out var n) ? n : 0;

    public void OnConnectionOpened(EndPoint? remoteEndPoint)
    {
        Interlocked.Increment(ref _opened);
        Interlocked.Increment(ref _open);
    }

    public void OnConnectionClosed(EndPoint? remoteEndPoint, ModbusConnectionCloseReason reason)
    {
        Interlocked.Decrement(ref _open);
        _closed.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    public void OnRequest(byte unitId, ModbusFunctionCode functionCode, ModbusExceptionCode? exceptionCode, TimeSpan elapsed) =>
        _requests.AddOrUpdate((functionCode, exceptionCode), 1, (_, n) => n + 1);

    internal void OnInjectedDrop() => Interlocked.Increment(ref _injectedDrops);

    internal void OnInjectedException() => Interlocked.Increment(ref _injectedExceptions);

    /// <summary>The Prometheus text exposition (format 0.0.4).</summary>
    public string Render(TimeSpan uptime)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append("# HELP edgeha_simulator_requests_total Modbus requests answered, by function code and exception code (none for a normal response).\n");
        sb.Append("# TYPE edgeha_simulator_requests_total counter\n");
        foreach (var ((function, exception), count) in _requests.OrderBy(kv => kv.Key.Function).ThenBy(kv => kv.Key.Exception))
        {
            var code = exception is { } e ? ((byte)e).ToString(ci) : "none";
            sb.Append(ci, $"edgeha_simulator_requests_total{{function=\"{(byte)function}\",function_name=\"{function}\",exception=\"{code}\"}} {count}\n");
        }

        sb.Append("# HELP edgeha_simulator_connections_opened_total Modbus TCP connections accepted.\n");
        sb.Append("# TYPE edgeha_simulator_connections_opened_total counter\n");
        sb.Append(ci, $"edgeha_simulator_connections_opened_total {ConnectionsOpened}\n");
        sb.Append("# HELP edgeha_simulator_connections_closed_total Modbus TCP connections closed, by reason.\n");
        sb.Append("# TYPE edgeha_simulator_connections_closed_total counter\n");
        foreach (var (reason, count) in _closed.OrderBy(kv => kv.Key))
        {
            sb.Append(ci, $"edgeha_simulator_connections_closed_total{{reason=\"{reason}\"}} {count}\n");
        }

        sb.Append("# HELP edgeha_simulator_connections Modbus TCP connections open now.\n");
        sb.Append("# TYPE edgeha_simulator_connections gauge\n");
        sb.Append(ci, $"edgeha_simulator_connections {OpenConnections}\n");
        sb.Append("# HELP edgeha_simulator_injected_drops_total Connections dropped by the map's drop injection.\n");
        sb.Append("# TYPE edgeha_simulator_injected_drops_total counter\n");
        sb.Append(ci, $"edgeha_simulator_injected_drops_total {Interlocked.Read(ref _injectedDrops)}\n");
        sb.Append("# HELP edgeha_simulator_injected_exceptions_total Exception responses from the map's exception injection.\n");
        sb.Append("# TYPE edgeha_simulator_injected_exceptions_total counter\n");
        sb.Append(ci, $"edgeha_simulator_injected_exceptions_total {Interlocked.Read(ref _injectedExceptions)}\n");
        sb.Append("# HELP edgeha_simulator_uptime_seconds Seconds since the simulator started.\n");
        sb.Append("# TYPE edgeha_simulator_uptime_seconds gauge\n");
        sb.Append(ci, $"edgeha_simulator_uptime_seconds {uptime.TotalSeconds:0.###}\n");
        return sb.ToString();
    }
}
