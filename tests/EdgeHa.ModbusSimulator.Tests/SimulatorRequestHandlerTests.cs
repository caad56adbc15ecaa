using EdgeHa.Modbus;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.ModbusSimulator.Tests;

public class SimulatorRequestHandlerTests
{
    private const string Map = """
        units:
          - unit: 1
            coils: [{ start: 0, count: 10 }, { start: 100, count: 10, readOnly: true }]
            holdingRegisters: [{ start: 0, count: 10 }, { start: 100, count: 10, readOnly: true }]
            inputRegisters: [{ start: 0, count: 10 }]
            values:
              - { table: input, address: 0, generator: { kind: counter, periodMilliseconds: 100 } }
              - { table: holding, address: 5, generator: { kind: counter, periodMilliseconds: 100 } }
            exceptions:
              - { table: holding, address: 3, code: 4 }
              - { table: input, address: 9, code: 0x0B }
              - { table: coil, address: 7, functions: [5], code: 1 }
              - { table: coil, address: 8, code: 3 }
              - { table: coil, address: 9, code: 2 }
            latency:
              - { table: holding, address: 8, milliseconds: 500 }
            drops:
              - { table: input, address: 5, everyNth: 2 }
        """;

    private readonly FakeTimeProvider _time = new();
    private readonly SimulatorMetrics _metrics = new(() => TimeSpan.Zero);
    private readonly SimulatorRequestHandler _handler;

    public SimulatorRequestHandlerTests()
    {
        var device = new SimulatorDevice(MapLoader.Parse(Map, "test"), _time);
        _handler = new SimulatorRequestHandler(device, _metrics);
    }

    private ModbusResponse Handle(ModbusRequestPdu pdu, byte unit = 1)
    {
        var task = _handler.HandleAsync(new ModbusRequest(unit, 1, pdu), CancellationToken.None);
        Assert.True(task.IsCompleted, "no latency was configured for this request");
        return task.Result;
    }

    private static ModbusExceptionCode? ExceptionOf(ModbusResponse response) => (response as ModbusExceptionResponse)?.ExceptionCode;

    [Fact]
    public void HandleAsync_ReadInsideRange_ReturnsValues()
    {
        Assert.IsType<WriteMultipleRegistersResponse>(Handle(new WriteMultipleRegistersRequest(0, [7, 8])));

        var response = Assert.IsType<ReadHoldingRegistersResponse>(Handle(new ReadHoldingRegistersRequest(0, 2)));

        Assert.Equal([(ushort)7, (ushort)8], response.Values);
    }

    [Theory]
    [InlineData(9, 2)]
    [InlineData(10, 1)]
    [InlineData(50, 1)]
    [InlineData(109, 2)]
    public void HandleAsync_ReadOutsideRanges_AnswersIllegalDataAddress(int address, int count) =>
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new ReadHoldingRegistersRequest((ushort)address, count))));

    [Fact]
    public void HandleAsync_UnknownUnit_AnswersGatewayTargetFailed() =>
        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, ExceptionOf(Handle(new ReadHoldingRegistersRequest(0, 1), unit: 9)));

    [Fact]
    public void HandleAsync_WritesToReadOnlyRange_AnswerIllegalDataAddressAndKeepValue()
    {
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new WriteSingleRegisterRequest(100, 1))));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new WriteMultipleCoilsRequest(105, [true]))));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new WriteSingleCoilRequest(100, true))));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new ReadWriteMultipleRegistersRequest(0, 1, 100, [1]))));

        Assert.Equal([(ushort)0], Assert.IsType<ReadHoldingRegistersResponse>(Handle(new ReadHoldingRegistersRequest(100, 1))).Values);
        Assert.IsType<ReadHoldingRegistersResponse>(Handle(new ReadHoldingRegistersRequest(100, 10)));
    }

    [Fact]
    public void HandleAsync_WriteToGeneratedValue_AnswersIllegalDataAddress() =>
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new WriteMultipleRegistersRequest(4, [1, 2]))));

    [Fact]
    public void HandleAsync_ReadOfGeneratedValue_SeesCurrentVirtualTime()
    {
        _time.Advance(TimeSpan.FromMilliseconds(350));

        var response = Assert.IsType<ReadInputRegistersResponse>(Handle(new ReadInputRegistersRequest(0, 1)));

        Assert.Equal([(ushort)3], response.Values);
    }

    [Theory]
    [InlineData(3, ModbusExceptionCode.ServerDeviceFailure)]
    [InlineData(2, null)]
    public void HandleAsync_InjectedExceptionOnHolding_AnswersOnlyForOverlappingRequests(int address, ModbusExceptionCode? expected) =>
        Assert.Equal(expected, ExceptionOf(Handle(new ReadHoldingRegistersRequest((ushort)address, 1))));

    [Fact]
    public void HandleAsync_InjectedExceptions_CoverEveryCodeAndCount()
    {
        Assert.Equal(ModbusExceptionCode.ServerDeviceFailure, ExceptionOf(Handle(new ReadHoldingRegistersRequest(0, 5))));
        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, ExceptionOf(Handle(new ReadInputRegistersRequest(9, 1))));
        Assert.Equal(ModbusExceptionCode.IllegalFunction, ExceptionOf(Handle(new WriteSingleCoilRequest(7, true))));
        Assert.Null(ExceptionOf(Handle(new ReadCoilsRequest(7, 1))));
        Assert.Equal(ModbusExceptionCode.IllegalDataValue, ExceptionOf(Handle(new ReadCoilsRequest(8, 1))));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ExceptionOf(Handle(new ReadCoilsRequest(9, 1))));
        Assert.Equal(5, _metrics.InjectedExceptions);
    }

    [Fact]
    public async Task HandleAsync_InjectedLatency_AnswersOnlyAfterTheDelayInVirtualTime()
    {
        var pending = _handler.HandleAsync(new ModbusRequest(1, 1, new ReadHoldingRegistersRequest(8, 1)), CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.IsType<ReadHoldingRegistersResponse>(response);
    }

    [Fact]
    public async Task HandleAsync_LatencyCancelled_StopsWaiting()
    {
        using var cts = new CancellationTokenSource();
        var pending = _handler.HandleAsync(new ModbusRequest(1, 1, new ReadHoldingRegistersRequest(8, 1)), cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void HandleAsync_DropEverySecondRequest_DropsConnectionOnEvenMatches()
    {
        var responses = Enumerable.Range(0, 4).Select(_ => Handle(new ReadInputRegistersRequest(4, 2))).ToList();

        Assert.IsType<ReadInputRegistersResponse>(responses[0]);
        Assert.Same(ModbusResponse.DropConnection, responses[1]);
        Assert.IsType<ReadInputRegistersResponse>(responses[2]);
        Assert.Same(ModbusResponse.DropConnection, responses[3]);
        Assert.IsType<ReadInputRegistersResponse>(Handle(new ReadInputRegistersRequest(6, 1)));
    }
}
