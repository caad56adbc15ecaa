using System.Net.Sockets;
using EdgeHa.Fencing;
using EdgeHa.Modbus;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace EdgeHa.Collector.Tests;

public class CollectorEngineTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly Mock<IDeviceReader> _device = new();
    private readonly RecordingSink _sink = new();
    private int _sequence = 100;

    /// <summary>What /metrics would serve for the engine's instruments.</summary>
    private static async Task<PrometheusScrape> ScrapeAsync(CollectorEngine engine)
    {
        await using var server = await MeterScrapeServer.StartAsync(engine.Metrics.Meter);
        return await server.ScrapeAsync();
    }

    private CollectorEngine Create(CollectorRole role = CollectorRole.Active, IRoleSource? roles = null, Action<CollectorOptions>? configure = null)
    {
        var options = new CollectorOptions { DeviceHost = "plc", DevicePort = 502, Interval = TimeSpan.FromSeconds(1), Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0) };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 3));
        options.Reads.Add(new ReadBlock(ModbusTable.Coils, 0, 2));
        configure?.Invoke(options);
        _device.Setup(d => d.ReadRegistersAsync(ModbusTable.InputRegisters, 0, 3, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => [(ushort)_sequence, 7, 8]);
        _device.Setup(d => d.ReadBitsAsync(ModbusTable.Coils, 0, 2, It.IsAny<CancellationToken>())).ReturnsAsync([true, false]);
        return new CollectorEngine(options, _device.Object, roles ?? new ManualRoleSource(role), _time, sinks: [_sink]);
    }

    private IReadOnlyList<Sample> Published => _sink.Written;

    private async Task PollAsync(CollectorEngine engine, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            await engine.PollOnceAsync(CancellationToken.None);
            _sequence = (_sequence + 1) & 0xFFFF;
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task PollOnceAsync_Active_PublishesNumberedSampleWithSequenceAndValues()
    {
        var engine = Create();
        engine.Epoch = 4;

        var sample = await engine.PollOnceAsync(CancellationToken.None);
        await engine.FlushAsync();

        Assert.NotNull(sample);
        Assert.Equal((1L, 100, 4L), (sample.Number, sample.Sequence, sample.Epoch));
        Assert.Equal(_time.GetUtcNow(), sample.Timestamp);
        Assert.Equal([(ushort)100, 7, 8], sample.Blocks[0].Registers);
        Assert.Equal([true, false], sample.Blocks[1].Bits);
        Assert.Equal([sample], Published);
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

        Assert.Empty(Published);
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
        Assert.Empty(Published);
        var label = code is { } c ? ((byte)c).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
        Assert.Equal(2, (await ScrapeAsync(engine)).Value($"edgeha_collector_poll_errors_total{{kind=\"{kind.ToString().ToLowerInvariant()}\",code=\"{label}\"}}"));
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
        await engine.FlushAsync();

        Assert.Equal(CollectorRole.Active, roles.Current);
        Assert.Equal(2, result.Replayed);
        Assert.Equal([0, 1], Published.Select(s => s.Sequence!.Value));
        Assert.Equal(1, engine.LastPublished!.Sequence); // acknowledged by the sink, after the flush

        await PollAsync(engine); // sequence 2, live
        Assert.Equal([0, 1, 2], Published.Select(s => s.Sequence!.Value));
        Assert.Equal([1, 2], engine.Buffer.PublishedAfterSequence(0, 100).Select(s => s.Sequence!.Value));
        Assert.Equal((3, 2), (engine.Metrics.SamplesPublished, engine.Metrics.SamplesReplayed));
    }

    [Fact]
    public async Task PromoteAsync_RecordedSixtyFourBitSequencePastTheWrap_ReplaysAfterIt()
    {
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        _sequence = 65533;
        await PollAsync(engine, 6); // 65533, 65534, 65535, 65536, 65537, 65538 unwrapped

        var result = await engine.PromoteAsync(65536); // the previous holder's Lease record: register value 0

        await engine.FlushAsync();
        Assert.Equal(2, result.Replayed);
        Assert.Equal([65537L, 65538], Published.Select(s => s.UnwrappedSequence!.Value));
        Assert.Equal([1, 2], Published.Select(s => s.Sequence!.Value));
    }

    [Fact]
    public async Task PromoteAsync_RecordedNumberingAheadByAWrap_ReplaysAfterItAndContinuesItsNumbering()
    {
        // This standby started after a wrap the previous holder counted: its 100 is the holder's 65636.
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        _sequence = 98;
        await PollAsync(engine, 5); // 98..102

        var result = await engine.PromoteAsync(65636);
        await PollAsync(engine); // 103, live

        Assert.Equal(2, result.Replayed);
        Assert.Equal([101, 102, 103], Published.Select(s => s.Sequence!.Value));
        Assert.Equal([65637L, 65638, 65639], Published.Select(s => s.UnwrappedSequence!.Value));
    }

    [Fact]
    public async Task PromoteAsync_RawSixteenBitRecordOfAnOlderCollector_ReplaysAfterItKeepingTheNumbering()
    {
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        _sequence = 65534;
        await PollAsync(engine, 4); // 65534, 65535, 65536, 65537 unwrapped

        var result = await engine.PromoteAsync(0); // an older collector recorded the register value of 65536

        await engine.FlushAsync();
        Assert.Equal(1, result.Replayed);
        Assert.Equal([65537L], Published.Select(s => s.UnwrappedSequence!.Value));
    }

    [Fact]
    public async Task PromoteAsync_StandbyMissedTheCounterValueAfterTheRecordedOne_ReportsThatGapAsNotRead()
    {
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        engine.Epoch = 5;
        await PollAsync(engine, 3); // 100, 101, 102
        _sequence = 104; // a late poll: the counter moved twice, 103 was never read here
        await PollAsync(engine, 2); // 104, 105

        var result = await engine.PromoteAsync(102);
        await engine.FlushAsync();

        Assert.Equal([104, 105], Published.Select(s => s.Sequence!.Value));
        Assert.Equal(2, result.Replayed);
        Assert.Equal(new PromotionGap(5, 103, 103, OlderThanBuffer: false), engine.LastPromotionGap);
        Assert.Equal("epoch=5 sequences=103-103 not-read", engine.LastPromotionGap!.Format());
        Assert.Equal(1, engine.Metrics.PromotionGapSequences);
    }

    [Fact]
    public async Task PromoteAsync_BufferStartsAfterTheRecordedSequence_ReportsTheSequencesOlderThanTheBuffer()
    {
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        _sequence = 110;
        await PollAsync(engine, 2); // 110, 111: this standby started after 106..109 were current

        await engine.PromoteAsync(105);

        Assert.Equal(new PromotionGap(0, 106, 109, OlderThanBuffer: true), engine.LastPromotionGap);
        Assert.Equal(4, engine.Metrics.PromotionGapSequences);
    }

    [Fact]
    public async Task PromoteAsync_BufferContinuesTheRecordedSequence_ReportsNoGap()
    {
        var roles = new ManualRoleSource(CollectorRole.Standby);
        var engine = Create(roles: roles);
        await PollAsync(engine, 3); // 100, 101, 102

        await engine.PromoteAsync(101);
        Assert.Null(engine.LastPromotionGap);

        roles.SetRole(CollectorRole.Standby);
        await engine.PromoteAsync(102); // nothing after it buffered yet: the next poll continues it
        Assert.Null(engine.LastPromotionGap);
        Assert.Equal(0, engine.Metrics.PromotionGapSequences);
    }

    [Fact]
    public async Task PromoteAsync_WithoutSequence_PublishesWholeBuffer()
    {
        var engine = Create(CollectorRole.Standby);
        await PollAsync(engine, 3);

        var result = await engine.PromoteAsync(null);
        await engine.FlushAsync();

        Assert.Equal(3, result.Replayed);
        Assert.Equal([1L, 2, 3], Published.Select(s => s.Number));
    }

    [Fact]
    public async Task PromoteAsync_RoleSourceThatTakesNoRequestsAndStandby_Refuses()
    {
        var roles = new Mock<IRoleSource>();
        roles.Setup(r => r.Current).Returns(CollectorRole.Standby);
        var engine = Create(roles: roles.Object);
        await PollAsync(engine);

        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.PromoteAsync(1));
        Assert.Empty(Published);
    }

    [Fact]
    public async Task LastPublished_SinkHasNotAcknowledged_StaysAtTheLastAcknowledgedSample()
    {
        var engine = Create();
        await PollAsync(engine); // sequence 100, acknowledged
        _sink.Hold();

        var pending = await engine.PollOnceAsync(CancellationToken.None); // sequence 101, not yet written
        await WaitUntil(() => _sink.Waiting == 1);

        Assert.Equal(100, engine.LastPublished!.Sequence);
        Assert.Equal(1, engine.Metrics.SamplesPublished);
        Assert.Equal(1, engine.GetState().QueueDepth);

        _sink.Release();
        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(pending, engine.LastPublished);
        Assert.Equal(2, engine.Metrics.SamplesPublished);
    }

    [Fact]
    public async Task Outbox_RoleLostWithoutAnEvent_FenceIsCheckedAtEmissionSoNothingQueuedIsWritten()
    {
        // A lease holding that runs out says so only when asked: there is no event before the next write.
        var role = CollectorRole.Active;
        var roles = new Mock<IRoleSource>();
        roles.Setup(r => r.Current).Returns(() => role);
        var engine = Create(roles: roles.Object);
        _sink.Hold();
        await engine.PollOnceAsync(CancellationToken.None);
        await WaitUntil(() => _sink.Waiting == 1);
        await engine.PollOnceAsync(CancellationToken.None);
        await engine.PollOnceAsync(CancellationToken.None);

        role = CollectorRole.Standby;
        _sink.Release();
        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(Published);
        Assert.Null(engine.LastPublished);
        Assert.Equal(3, engine.Metrics.SamplesFenced);
        Assert.Equal(0, engine.Metrics.SamplesPublished);
        Assert.Empty(engine.Buffer.PublishedAfterNumber(null, 100)); // never delivered: replayable again
    }

    [Fact]
    public async Task RoleChanged_AwayFromActive_DiscardsTheQueueAtOnceAndAPromotionReplaysIt()
    {
        var roles = new ManualRoleSource(CollectorRole.Active);
        var engine = Create(roles: roles);
        _sink.Hold();
        await PollAsyncWithoutFlush(engine, 1);
        await WaitUntil(() => _sink.Waiting == 1);
        await PollAsyncWithoutFlush(engine, 2);
        Assert.Equal(3, engine.PublishQueueDepth);

        roles.SetRole(CollectorRole.Standby);

        Assert.Equal(2, engine.Metrics.SamplesFenced); // the queued two, before the held write even resumes
        Assert.Equal(1, engine.PublishQueueDepth);
        _sink.Release();
        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(Published);
        Assert.Equal(3, engine.Metrics.SamplesFenced);

        var result = await engine.PromoteAsync(null);
        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, result.Replayed);
        Assert.Equal([100, 101, 102], Published.Select(s => s.Sequence!.Value));
        Assert.Equal(102, engine.LastPublished!.Sequence);
    }

    [Fact]
    public async Task Outbox_Full_DropsTheOldestCountedAndHealthSaysDegraded()
    {
        var engine = Create(configure: o => o.PublishQueueCapacity = 2);
        _sink.Hold();
        await PollAsyncWithoutFlush(engine, 1);
        await WaitUntil(() => _sink.Waiting == 1);
        await PollAsyncWithoutFlush(engine, 4); // 101..104 into a queue of 2: 101 and 102 are dropped

        var state = engine.GetState();
        Assert.True(state.Healthy);
        Assert.True(state.Degraded);
        Assert.Equal("degraded: active, the device answered 1000 ms ago; publish queue full: 2 sample(s) dropped so far (--publish-queue 2)", state.Reason);
        Assert.Equal(2, engine.Metrics.SamplesDropped);
        var metrics = await ScrapeAsync(engine);
        Assert.Equal(2, metrics.Value("edgeha_collector_samples_dropped_total"));
        Assert.Equal(3, metrics.Value("edgeha_collector_publish_queue_depth"));
        Assert.Equal(1, metrics.Value("edgeha_collector_degraded"));

        _sink.Release();
        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([100, 103, 104], Published.Select(s => s.Sequence!.Value));
        Assert.False(engine.GetState().Degraded);
    }

    [Fact]
    public async Task Outbox_SinkFails_RetriesTheSameSampleCountsErrorsAndHealthSaysDegraded()
    {
        var engine = Create();
        _sink.Fail = true;
        await PollAsyncWithoutFlush(engine, 2);
        await WaitUntil(() => engine.Metrics.SinkErrors("test") >= 1);

        var state = engine.GetState();
        Assert.True(state.Degraded);
        Assert.EndsWith("; test: the test makes writes fail", state.Reason, StringComparison.Ordinal);
        Assert.Null(engine.LastPublished);
        Assert.True((await ScrapeAsync(engine)).Value("edgeha_collector_sink_errors_total{sink=\"test\"}") >= 1);

        _sink.Fail = false;
        _time.Advance(TimeSpan.FromSeconds(1)); // past the retry backoff (at most 1 s)
        await engine.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([100, 101], Published.Select(s => s.Sequence!.Value));
        Assert.False(engine.GetState().Degraded);
    }

    private async Task PollAsyncWithoutFlush(CollectorEngine engine, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await engine.PollOnceAsync(CancellationToken.None);
            _sequence = (_sequence + 1) & 0xFFFF;
            _time.Advance(TimeSpan.FromSeconds(1));
        }
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
