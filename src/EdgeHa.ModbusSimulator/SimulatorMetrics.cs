using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// Counts what the simulator serves, as instruments on its own <see cref="Meter"/> (named <see cref="MeterName"/>, one
/// per simulator, so a process hosting several serves each one's series on its own /metrics): connections, requests by
/// function code and exception code, and injected faults. The counts are kept here and read by observable counters, so
/// the properties and the scrape agree. Fed by the Modbus server as its <see cref="IModbusServerObserver"/>.
/// </summary>
public sealed class SimulatorMetrics : IModbusServerObserver, IDisposable
{
    public const string MeterName = "EdgeHa.ModbusSimulator";

    private readonly ConcurrentDictionary<(ModbusFunctionCode Function, ModbusExceptionCode? Exception), long> _requests = new();
    private readonly ConcurrentDictionary<ModbusConnectionCloseReason, long> _closed = new();
    private long _opened;
    private long _open;
    private long _injectedDrops;
    private long _injectedExceptions;

    /// <summary>Creates the instruments; the uptime gauge reads <paramref name="uptime"/> at each scrape.</summary>
    public SimulatorMetrics(Func<TimeSpan> uptime)
    {
        ArgumentNullException.ThrowIfNull(uptime);
        Meter = new Meter(MeterName, "1.0");
        Meter.CreateObservableCounter(
            "edgeha_simulator_requests_total",
            () => _requests.Select(kv => new Measurement<long>(
                kv.Value,
                new("function", ((byte)kv.Key.Function).ToString(CultureInfo.InvariantCulture)),
                new("function_name", kv.Key.Function.ToString()),
                new("exception", kv.Key.Exception is { } e ? ((byte)e).ToString(CultureInfo.InvariantCulture) : "none"))),
            description: "Modbus requests answered, by function code and exception code (none for a normal response).");
        Meter.CreateObservableCounter("edgeha_simulator_connections_opened_total", () => ConnectionsOpened, description: "Modbus TCP connections accepted.");
        Meter.CreateObservableCounter(
            "edgeha_simulator_connections_closed_total",
            () => _closed.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("reason", kv.Key.ToString()))),
            description: "Modbus TCP connections closed, by reason.");
        Meter.CreateObservableGauge("edgeha_simulator_connections", () => OpenConnections, description: "Modbus TCP connections open now.");
        Meter.CreateObservableCounter("edgeha_simulator_injected_drops_total", () => InjectedDrops, description: "Connections dropped by the map's drop injection.");
        Meter.CreateObservableCounter(
            "edgeha_simulator_injected_exceptions_total",
            () => InjectedExceptions,
            description: "Exception responses from the map's exception injection.");
        Meter.CreateObservableGauge("edgeha_simulator_uptime_seconds", () => uptime().TotalSeconds, unit: "s", description: "Seconds since the simulator started.");
    }

    /// <summary>The meter to export (EdgeHa.Hosting.PrometheusMetrics).</summary>
    public Meter Meter { get; }

    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    public long OpenConnections => Interlocked.Read(ref _open);

    public long InjectedDrops => Interlocked.Read(ref _injectedDrops);

    public long InjectedExceptions => Interlocked.Read(ref _injectedExceptions);

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

    public void Dispose() => Meter.Dispose();

    internal void OnInjectedDrop() => Interlocked.Increment(ref _injectedDrops);

    internal void OnInjectedException() => Interlocked.Increment(ref _injectedExceptions);
}
