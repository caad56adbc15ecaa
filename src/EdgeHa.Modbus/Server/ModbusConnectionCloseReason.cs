namespace EdgeHa.Modbus;

/// <summary>Why the server closed a connection.</summary>
public enum ModbusConnectionCloseReason
{
    /// <summary>The client closed the connection between frames.</summary>
    ClientClosed,

    /// <summary>A frame broke MBAP framing (protocol id, length) or the stream ended inside a frame.</summary>
    ProtocolError,

    /// <summary>No request arrived within the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The handler asked to drop the connection.</summary>
    DroppedByHandler,

    /// <summary>The connection limit was reached when this connection arrived.</summary>
    ConnectionLimit,

    /// <summary>The server is stopping.</summary>
    ServerStopping,

    /// <summary>A socket error.</summary>
    IoError,
}
