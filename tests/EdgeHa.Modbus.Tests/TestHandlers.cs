using System.Collections.Concurrent;
using System.Net;

namespace EdgeHa.Modbus.Tests;

/// <summary>A request handler made of a delegate.</summary>
internal sealed class DelegateHandler(Func<ModbusRequest, CancellationToken, ValueTask<ModbusResponse>> handle) : IModbusRequestHandler
{
    public ValueTask<ModbusResponse> HandleAsync(ModbusRequest request, CancellationToken cancellationToken) => handle(request, cancellationToken);

    public static DelegateHandler Of(Func<ModbusRequest, ModbusResponse> handle) => new((r, _) => ValueTask.FromResult(handle(r)));
}

/// <summary>Records server events.</summary>
internal sealed class RecordingObserver : IModbusServerObserver
{
    public ConcurrentQueue<ModbusConnectionCloseReason> Closed { get; } = new();

    public ConcurrentQueue<(byte Unit, ModbusFunctionCode Function, ModbusExceptionCode? Exception)> Requests { get; } = new();

    public int Opened;
    public int Rejected;

    public void OnConnectionOpened(EndPoint? remoteEndPoint) => Interlocked.Increment(ref Opened);

    public void OnConnectionClosed(EndPoint? remoteEndPoint, ModbusConnectionCloseReason reason) => Closed.Enqueue(reason);

    public void OnConnectionRejected(EndPoint? remoteEndPoint) => Interlocked.Increment(ref Rejected);

    public void OnRequest(byte unitId, ModbusFunctionCode functionCode, ModbusExceptionCode? exceptionCode, TimeSpan elapsed) =>
        Requests.Enqueue((unitId, functionCode, exceptionCode));

    /// <summary>Waits until <paramref name="condition"/> holds, failing after 10 s.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }
}
