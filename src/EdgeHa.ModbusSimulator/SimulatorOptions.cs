using System.Net;

namespace EdgeHa.ModbusSimulator;

/// <summary>How to run a simulator: the map, where to listen (port 0 picks a free port), and its clock.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The register map; <see cref="SimulatorMap.Default"/> when not set.</summary>
    public SimulatorMap Map { get; set; } = SimulatorMap.Default;

    /// <summary>Address both listeners bind to.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;

    /// <summary>Modbus TCP port (5020 by default: a non-root container cannot bind 502). 0 picks a free port.</summary>
    public int ModbusPort { get; set; } = 5020;

    /// <summary>HTTP port for /healthz, /metrics and the read-out; 0 picks a free port, null disables HTTP.</summary>
    public int? HttpPort { get; set; } = 8080;

    /// <summary>Clock of the generators and latency injection.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Least severe log level written to the console.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;

    /// <summary>Idle time after which the Modbus server closes a silent connection.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most Modbus TCP connections served at once.</summary>
    public int MaxConnections { get; set; } = 128;
}
