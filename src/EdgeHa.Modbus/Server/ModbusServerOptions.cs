using System.Net;

namespace EdgeHa.Modbus;

/// <summary>Settings of a <see cref="ModbusTcpServer"/>.</summary>
public sealed class ModbusServerOptions
{
    /// <summary>Address to listen on. Default: any IPv4 address.</summary>
    public IPAddress Address { get; set; } = IPAddress.Any;

    /// <summary>Port to listen on; 0 picks a free port (see <see cref="ModbusTcpServer.LocalEndPoint"/>). Default 502.</summary>
    public int Port { get; set; } = ModbusLimits.DefaultPort;

    /// <summary>Most simultaneous connections; further connections are accepted and closed at once. Default 128.</summary>
    public int MaxConnections { get; set; } = 128;

    /// <summary>A connection with no request for this long is closed. <see cref="Timeout.InfiniteTimeSpan"/> disables it. Default 60 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <see cref="ModbusTcpServer.StopAsync"/> waits for in-flight requests before closing. Default 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock for idle timeouts and request timing. Default: the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        if (IdleTimeout != Timeout.InfiniteTimeSpan && IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "Idle timeout must be positive or infinite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero);
    }
}
