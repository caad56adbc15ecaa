namespace EdgeHa.Modbus;

/// <summary>Serves decoded requests for a <see cref="ModbusTcpServer"/>.</summary>
/// <remarks>
/// Called once per request, in order per connection and concurrently across connections. Return a response of
/// the request's function code, a <see cref="ModbusExceptionResponse"/>, <see cref="ModbusResponse.DropConnection"/>
/// or <see cref="ModbusResponse.NoResponse"/>. A handler may await (latency injection); a handler that throws
/// answers exception 04 (server device failure).
/// </remarks>
public interface IModbusRequestHandler
{
    ValueTask<ModbusResponse> HandleAsync(ModbusRequest request, CancellationToken cancellationToken);
}
