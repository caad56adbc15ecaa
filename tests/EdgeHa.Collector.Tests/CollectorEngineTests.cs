using System.Net.Sockets;
using EdgeHa.Modbus;
using EdgeHa.TestSupport;
using Moq;

namespace EdgeHa.Collector.Tests;

public class CollectorEngineTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly Mock<IDeviceReader> _device = new();
    private readonly List<Sample> _published = [];
    private int _sequence = 100;

    private CollectorEngine Create(CollectorRole role = CollectorRole.Active, IRoleSource? roles = null, Action<CollectorOptions>? configure = null)
    {
        var options = new CollectorOptions { DeviceHost = "plc", DevicePort = 502, Interval = TimeSpan.FromSeconds(1), Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0) };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 3));
        options.Reads.Add(new ReadBlock(ModbusTable.Coils, 0, 2));
        configure?.Invoke(options);
        _device.Setup(d => d.ReadRegistersAsync(ModbusTable.InputRegisters, 0, 3, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => [(ushort)_sequence, 7, 8]);
        _device.Setup(d => d.ReadBitsAsync(ModbusTable.Coils, 0, 2, It.IsAny<CancellationToken>())).ReturnsAsync([true, false]);
        var sink = new Mock<ISampleSink>();
        sink.Setup(s => s.Publish(It.IsAny<Sample>())).Callback<Sample>(_published.Add);
        return new CollectorEngine(options, _device.Object, roles ?? new ManualRoleSource(role), _time, sinks: [sink.Object]);
    }

    private async Task PollAsync(CollectorEngine engine, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            await engine.PollOnceAsync(CancellationToken.None);
            _sequence = (_sequence + 1) & 0xFFFF;
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task PollOnceAsync_Active_PublishesNumberedSampleWithSequenceAndValues()
    {
        var engine = Create();
        engine.Epoch = 4;

        var sample = await engine.PollOnceAsync(CancellationToken.None);

        Assert.NotNull(sample);
        Assert.Equal((1L, 100, 4L), (sample.Number, sample.Sequence, sample.Epoch));
        Assert.Equal(_time.GetUtcNow(), sample.Timestamp);
        Assert.Equal([(ushort)100, 7, 8], sample.Blocks[0].Registers);
        Assert.Equal([true, false], sample.Blocks[1].Bits);
        Assert.Equal([sample], _published);
        Assert.Same(sample, engine.LastPublished);
        Assert.Equal(1, engine.Metrics.SamplesPublished);
    }

    [Fact]
    public async Task PollOnceAsync_SequenceOutsideBlocks_ReadsItSeparately()
    {
        var engine = Create(configure: o => o.Sequence = new SequenceRegister(ModbusTable.HoldingRegisters, 9));
        _device.Setup(d => d.ReadRegistersAsync(ModbusTable.HoldingRegisters, 9, 1, It.IsAny<CancellationToken>())).ReturnsAsync([(ushort)65535]);

        var sample = await engine.PollOnceAsync(CancellationToken.None);

        Assert.Equal(65535, sample!.Sequence);
    }

    [Fact]
    public async Task PollOnceAsync_Standby_BuffersButPublishesNothing()
    {
        var engine = Create(CollectorRole.Standby);

        await PollAsync(engine, 3);

        Assert.Empty(_published);
        Assert.Null(engine.LastPublished);
        Assert.Equal(3, engine.Buffer.Count);
        Assert.Empty(engine.Buffer.PublishedAfterNumber(null, 100));
        Assert.True(engine.GetState().Healthy);
    }

    [Fact]
    public async Task PollOnceAsync_Stopped_DoesNotTouchTheDevice()
    {
        var engine = Create(CollectorRole.Stopped);

        Assert.Null(await engine.PollOnceAsync(CancellationToken.None));

        _device.VerifyNoOtherCalls();
        var state = engine.GetState();
        Assert.False(state.Healthy);
        Assert.Equal("role is stopped: not polling the device", state.Reason);
    }

    [Fact]
    public async Task GetState_DeviceSilentBeyondStaleWindow_TurnsUnhealthyThenRecovers()
    {
        var engine = Create();
        Assert.Equal("active: the device has not answered yet", engine.GetState().Reason);

        await engine.PollOnceAsync(CancellationToken.None);
        Assert.Equal("ok: active, the device answered 0 ms ago", engine.GetState().Reason);

        _device.Setup(d => d.ReadRegistersAsync(It.IsAny<ModbusTable>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SocketException((int)SocketError.ConnectionRefused));
        _time.Advance(TimeSpan.FromSeconds(3));
        await engine.PollOnceAsync(CancellationToken.None);
        Assert.True(engine.GetState().Healthy);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var state = engine.GetState();
        Assert.False(state.Healthy);
        Assert.StartsWith("active: the device last answered 3001 ms ago (stale after 3000 ms); last error: connection: ", state.Reason, StringComparison.Ordinal);

        _device.Setup(d => d.ReadRegistersAsync(ModbusTable.InputRegisters, 0, 3, It.IsAny<CancellationToken>())).ReturnsAsync([(ushort)1, 2, 3]);
        await engine.PollOnceAsync(CancellationToken.None);
        Assert.True(engine.GetState().Healthy);
    }

    public static TheoryData<Exception, PollErrorKind, ModbusExceptionCode?> Failures => new()
    {
        { new ModbusException(ModbusFunctionCode.ReadInputRegisters, ModbusExceptionCode.IllegalDataAddress), PollErrorKind.Exception, ModbusExceptionCode.IllegalDataAddress },
        { new ModbusException(ModbusFunctionCode.ReadInputRegisters, ModbusExceptionCode.GatewayTargetFailedToRespond), PollErrorKind.Exception, ModbusExceptionCode.GatewayTargetFailedToRespond },
        { new TimeoutException("late"), PollErrorKind.Timeout, null },
        { new ModbusProtocolException("bad byte count"), PollErrorKind.Malformed, null },
        { new IOException("reset"), PollErrorKind.Connection, null },
        { new InvalidCastException("surprise"), PollErrorKind.Other, null },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task PollOnceAsync_DeviceFailure_IsCountedByKindAndCodeWithoutThrowing(Exception failure, PollErrorKind kind, ModbusExceptionCode? code)
    {
        var engine = Create();
        _device.Setup(d => d.ReadBitsAsync(ModbusTable.Coils, 0, 2, It.IsAny<CancellationToken>())).ThrowsAsync(failure);

        Assert.Null(await engine.PollOnceAsync(CancellationToken.None));
        Assert.Null(await engine.PollOnceAsync(CancellationToken.None));

        Assert.Equal(2, engine.Metrics.Errors(kind, code));
        Assert.Equal(2, engine.Metrics.Polls);
        Assert.Empty(_published);
        var label = code is { } c ? ((byte)c).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
        Assert.Contains($"edgeha_collector_poll_errors_total{{kind=\"{kind.ToString().ToLowerInvariant()}\",code=\"{label}\"}} 2\n", engine.Metrics.Render(engine.GetState()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollOnceAsync_ShortAnswer_CountsAsMalformed()
    {
        var engine = Create();
        _device.Setup(d => d.ReadRegistersAsync(ModbusTable.InputRegisters, 0, 3, It.IsAny<CancellationToken>())).ReturnsAsync([(ushort)1]);

        Assert.Null(await engine.PollOnceAsync(CancellationToken.None));

        Assert.Equal(1, engine.Metrics.Errors(PollErrorKind.Malformed));
    }

    [Fact]
    public async Task PromoteAsync_AfterLastPublishedSequence_PublishesTheBufferedRestInOrderThenLive()
    {
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        _sequence = 65533;
        await PollAsync(engine, 5); // sequences 65533, 65534, 65535, 0, 1

        var result = await engine.PromoteAsync(65535);

        Assert.Equal(CollectorRole.Active, roles.Current);
        Assert.Equal(2, result.Replayed);
        Assert.Equal([0, 1], _published.Select(s => s.Sequence!.Value));
        Assert.Equal(1, result.LastPublished!.Sequence);

        await PollAsync(engine); // sequence 2, live
        Assert.Equal([0, 1, 2], _published.Select(s => s.Sequence!.Value));
        Assert.Equal([1, 2], engine.Buffer.PublishedAfterSequence(0, 100).Select(s => s.Sequence!.Value));
        Assert.Equal((3, 2), (engine.Metrics.SamplesPublished, engine.Metrics.SamplesReplayed));
    }

    [Fact]
    public async Task PromoteAsync_WithoutSequence_PublishesWholeBuffer()
    {
        var engine = Create(CollectorRole.Standby);
        await PollAsync(engine, 3);

        var result = await engine.PromoteAsync(null);

        Assert.Equal(3, result.Replayed);
        Assert.Equal([1L, 2, 3], _published.Select(s => s.Number));
    }

    [Fact]
    public async Task PromoteAsync_RoleSourceThatTakesNoRequestsAndStandby_Refuses()
    {
        var roles = new Mock<IRoleSource>();
        roles.Setup(r => r.Current).Returns(CollectorRole.Standby);
        var engine = Create(roles: roles.Object);
        await PollAsync(engine);

        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.PromoteAsync(1));
        Assert.Empty(_published);
    }

    [Fact]
    public async Task RunAsync_PollsAtOnceAndOnEveryIntervalOfTheInjectedClock()
    {
        var engine = Create();
        using var cts = new CancellationTokenSource();
        var loop = engine.RunAsync(cts.Token);
        await WaitUntil(() => engine.Metrics.Polls == 1);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.Equal(1, engine.Metrics.Polls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntil(() => engine.Metrics.Polls == 2);

        await cts.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
