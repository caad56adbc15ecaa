using System.Net;

namespace EdgeHa.Modbus;

/// <summary>Receives server events for metrics and logs. Called inline on the I/O path: keep it cheap and non-throwing.</summary>
public interface IModbusServerObserver
{
    void OnConnectionOpened(EndPoint? remoteEndPoint);

    void OnConnectionClosed(EndPoint? remoteEndPoint, ModbusConnectionCloseReason reason);

    /// <summary>A connection arrived while <see cref="ModbusServerOptions.MaxConnections"/> were open and was closed at once.</summary>
    void OnConnectionRejected(EndPoint? remoteEndPoint)
    {
    }

    /// <summary>One request was answered (or dropped). <paramref name="exceptionCode"/> is null for a normal response.</summary>
    void OnRequest(byte unitId, ModbusFunctionCode functionCode, ModbusExceptionCode? exceptionCode, TimeSpan elapsed);
}
