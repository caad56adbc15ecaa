namespace EdgeHa.Modbus;

/// <summary>Settings of a <see cref="ModbusTcpClient"/>.</summary>
public sealed class ModbusClientOptions
{
    /// <summary>Host name or IP address of the server.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port of the server. Default 502.</summary>
    public int Port { get; set; } = ModbusLimits.DefaultPort;

    /// <summary>Longest a connection attempt may take. Default 3 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest a request may wait for its response. Default 1 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First delay before reconnecting after a failure; doubles on each further failure. Default 100 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap of the reconnect delay. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most requests in flight on the connection at once; further requests wait. Default 64.</summary>
    public int MaxPendingRequests { get; set; } = 64;

    /// <summary>Clock for timeouts and backoff. Default: the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMinDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectMinDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingRequests, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPendingRequests, 65535);
    }
}
