using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Modbus.Tests;

public sealed class ModbusTcpServerTests
{
    [Theory]
    [InlineData("07", "87 01")]
    [InlineData("2B 0E 01 00", "AB 01")]
    [InlineData("41 0000", "C1 01")]
    [InlineData("16 0000 FFFF 0000", "96 01")]
    [InlineData("83 0000 0001", "83 01")]
    public async Task Serve_UnknownFunctionCode_AnswersIllegalFunction(string request, string expected)
    {
        await using var loop = await Loopback.StartAsync();
        using var socket = await loop.RawAsync();
        var pdu = GoldenFrames.Hex(request);

        var answer = await Loopback.ExchangeAsync(socket, [0x00, 0x05, 0x00, 0x00, 0x00, (byte)(pdu.Length + 1), 0x01, .. pdu]);

        Assert.Equal(GoldenFrames.Hex($"0005 0000 0003 01 {expected}"), answer);
    }

    [Theory]
    [InlineData("03 FFFF 007E", "83 03")] // quantity 126 and out of range address: quantity wins (libmodbus order)
    [InlineData("01 FFFF 07D1", "81 03")]
    [InlineData("03 FFFF 0002", "83 02")] // good quantity, address past 65535
    [InlineData("03 2710 0001", "83 02")] // address 10000 is outside the map
    [InlineData("05 0000 1234", "85 03")]
    [InlineData("10 0000 0002 03 000100", "90 03")]
    public async Task Serve_ValidationOrder_QuantityBeforeAddress(string request, string expected)
    {
        await using var loop = await Loopback.StartAsync();
        using var socket = await loop.RawAsync();
        var pdu = GoldenFrames.Hex(request);

        var answer = await Loopback.ExchangeAsync(socket, [0x00, 0x01, 0x00, 0x00, 0x00, (byte)(pdu.Length + 1), 0x01, .. pdu]);

        Assert.Equal(GoldenFrames.Hex($"0001 0000 0003 01 {expected}"), answer);
    }

    [Fact]
    public async Task Serve_PipelinedRequestsInOneSend_AnswersEachWithItsTransactionId()
    {
        await using var loop = await Loopback.StartAsync();
        loop.Store.Units[0].SetRegister(ModbusTable.HoldingRegisters, 7, 0x0707);
        using var socket = await loop.RawAsync();
        var burst = Enumerable.Range(0, 50)
            .SelectMany(i => ModbusFrameWriter.ToArray((ushort)(1000 + i), 1, new ReadHoldingRegistersRequest(7, 1)))
            .ToArray();

        using var cts = new CancellationTokenSource(Loopback.Timeout);
        await socket.SendAsync(burst, SocketFlags.None, cts.Token);
        for (var i = 0; i < 50; i++)
        {
            var answer = await Loopback.ReadAduAsync(socket, cts.Token);
            Assert.Equal(GoldenFrames.Hex($"{1000 + i:X4} 0000 0005 01 03 02 0707"), answer);
        }
    }

    [Theory]
    [InlineData("0001 0001 0006 01 03 0000 0001")] // protocol id 1
    [InlineData("0001 0000 0001 01")] // length 1
    [InlineData("0001 0000 0000 01")] // length 0
    [InlineData("0001 0000 00FF 01")] // length 255
    [InlineData("0001 0000 FFFF 01")]
    public async Task Serve_BadMbapHeader_ClosesThatConnectionOnly(string frame)
    {
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(observer: observer);
        await using var other = loop.Client();
        await other.WriteSingleRegisterAsync(1, 0, 42);
        using var socket = await loop.RawAsync();

        await socket.SendAsync(GoldenFrames.Hex(frame), SocketFlags.None);

        Assert.True(await Loopback.IsClosedByPeerAsync(socket));
        Assert.Equal(new ushort[] { 42 }, await other.ReadHoldingRegistersAsync(1, 0, 1));
        await RecordingObserver.EventuallyAsync(() => observer.Closed.Contains(ModbusConnectionCloseReason.ProtocolError), "protocol error close");
    }

    [Fact]
    public async Task Serve_GoodRequestsThenBadHeaderInOneSend_AnswersGoodOnesThenCloses()
    {
        await using var loop = await Loopback.StartAsync();
        using var socket = await loop.RawAsync();
        using var cts = new CancellationTokenSource(Loopback.Timeout);

        await socket.SendAsync(GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001  0002 0000 0006 01 04 0000 0001  0003 0001 0006 01"), SocketFlags.None, cts.Token);

        Assert.Equal(GoldenFrames.Hex("0001 0000 0005 01 03 02 0000"), await Loopback.ReadAduAsync(socket, cts.Token));
        Assert.Equal(GoldenFrames.Hex("0002 0000 0005 01 04 02 0000"), await Loopback.ReadAduAsync(socket, cts.Token));
        Assert.True(await Loopback.IsClosedByPeerAsync(socket));
    }

    [Fact]
    public async Task Serve_ManyConcurrentConnections_ServesEachCorrectly()
    {
        await using var loop = await Loopback.StartAsync();
        var clients = Enumerable.Range(0, 50).Select(_ => loop.Client()).ToList();
        try
        {
            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                for (var n = 0; n < 20; n++)
                {
                    await client.WriteSingleRegisterAsync(1, (ushort)i, (ushort)(n + (i * 100)));
                    Assert.Equal(new ushort[] { (ushort)(n + (i * 100)) }, await client.ReadHoldingRegistersAsync(1, (ushort)i, 1));
                }
            }));

            Assert.Equal(50, loop.Server.ActiveConnections);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Serve_UnknownUnit_AnswersGatewayTargetFailedToRespond()
    {
        await using var loop = await Loopback.StartAsync();
        using var socket = await loop.RawAsync();

        var answer = await Loopback.ExchangeAsync(socket, GoldenFrames.Hex("0009 0000 0006 05 03 0000 0001"));

        Assert.Equal(GoldenFrames.Hex("0009 0000 0003 05 83 0B"), answer);
    }

    [Fact]
    public async Task Serve_HandlerThrows_AnswersServerDeviceFailureAndKeepsConnection()
    {
        var calls = 0;
        var handler = DelegateHandler.Of(r => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("boom")
            : new ReadHoldingRegistersResponse([1]));
        await using var loop = await Loopback.StartAsync(handler: handler);
        using var socket = await loop.RawAsync();

        Assert.Equal(GoldenFrames.Hex("0001 0000 0003 01 83 04"), await Loopback.ExchangeAsync(socket, GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001")));
        Assert.Equal(GoldenFrames.Hex("0002 0000 0005 01 03 02 0001"), await Loopback.ExchangeAsync(socket, GoldenFrames.Hex("0002 0000 0006 01 03 0000 0001")));
    }

    [Fact]
    public async Task Serve_HandlerReturnsDropConnection_ClosesConnection()
    {
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(handler: DelegateHandler.Of(_ => ModbusResponse.DropConnection), observer: observer);
        using var socket = await loop.RawAsync();

        await socket.SendAsync(GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001"), SocketFlags.None);

        Assert.True(await Loopback.IsClosedByPeerAsync(socket));
        await RecordingObserver.EventuallyAsync(() => observer.Closed.Contains(ModbusConnectionCloseReason.DroppedByHandler), "drop");
    }

    [Fact]
    public async Task Serve_HandlerReturnsNoResponse_SkipsAnswerAndServesNext()
    {
        var handler = DelegateHandler.Of(r => ((ReadHoldingRegistersRequest)r.Pdu).Address == 0
            ? ModbusResponse.NoResponse
            : new ReadHoldingRegistersResponse([9]));
        await using var loop = await Loopback.StartAsync(handler: handler);
        using var socket = await loop.RawAsync();

        await socket.SendAsync(GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001"), SocketFlags.None);
        var answer = await Loopback.ExchangeAsync(socket, GoldenFrames.Hex("0002 0000 0006 01 03 0001 0001"));

        Assert.Equal(GoldenFrames.Hex("0002 0000 0005 01 03 02 0009"), answer);
    }

    [Fact]
    public async Task Serve_Requests_ReportedToObserver()
    {
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(observer: observer);
        await using (var client = loop.Client())
        {
            await client.ReadCoilsAsync(1, 0, 1);
            await Assert.ThrowsAsync<ModbusException>(() => client.ReadCoilsAsync(1, 9999, 2));
        }

        await RecordingObserver.EventuallyAsync(() => observer.Closed.Count == 1, "close");
        Assert.Equal(1, observer.Opened);
        Assert.Equal(
            [(1, ModbusFunctionCode.ReadCoils, null), (1, ModbusFunctionCode.ReadCoils, ModbusExceptionCode.IllegalDataAddress)],
            observer.Requests.ToArray());
        Assert.Equal(ModbusConnectionCloseReason.ClientClosed, Assert.Single(observer.Closed));
    }

    [Fact]
    public async Task Accept_OverMaxConnections_ClosesNewConnectionAndKeepsOthers()
    {
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(configure: o => o.MaxConnections = 2, observer: observer);
        using var first = await loop.RawAsync();
        using var second = await loop.RawAsync();
        await RecordingObserver.EventuallyAsync(() => loop.Server.ActiveConnections == 2, "two connections");

        using var third = await loop.RawAsync();

        Assert.True(await Loopback.IsClosedByPeerAsync(third));
        // The observer may hear of the rejection just after the client saw the close.
        await RecordingObserver.EventuallyAsync(() => observer.Rejected == 1, "the rejection recorded");
        Assert.NotNull(await Loopback.ExchangeAsync(first, GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001")));
        first.Dispose();
        await RecordingObserver.EventuallyAsync(() => loop.Server.ActiveConnections == 1, "one connection left");
        using var fourth = await loop.RawAsync();
        Assert.NotNull(await Loopback.ExchangeAsync(fourth, GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001")));
    }

    [Fact]
    public async Task Serve_NoRequestWithinIdleTimeout_ClosesConnection()
    {
        var time = new FakeTimeProvider();
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(configure: o => { o.IdleTimeout = TimeSpan.FromSeconds(30); o.TimeProvider = time; }, observer: observer);
        using var socket = await loop.RawAsync();
        Assert.NotNull(await Loopback.ExchangeAsync(socket, GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001")));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await Loopback.ExchangeAsync(socket, GoldenFrames.Hex("0002 0000 0006 01 03 0000 0001")));
        await RecordingObserver.EventuallyAsync(() => observer.Requests.Count == 2, "second request seen");
        // The server re-arms its idle timer only after the reply is flushed, so give it real time to get back to its
        // read before the virtual clock moves (under load the reply could otherwise arrive first).
        await Task.Delay(200);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, loop.Server.ActiveConnections); // activity restarted the idle clock
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(await Loopback.IsClosedByPeerAsync(socket));
        await RecordingObserver.EventuallyAsync(() => observer.Closed.Contains(ModbusConnectionCloseReason.IdleTimeout), "idle close");
    }

    [Fact]
    public async Task StopAsync_RequestInFlight_FinishesItThenCloses()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (r, ct) =>
        {
            entered.TrySetResult();
            await release.Task;
            return new ReadHoldingRegistersResponse([77]);
        });
        await using var loop = await Loopback.StartAsync(handler: handler);
        var port = loop.Port;
        await using var client = loop.Client();
        var read = client.ReadHoldingRegistersAsync(1, 0, 1);
        await entered.Task.WaitAsync(Loopback.Timeout);

        var stop = loop.Server.StopAsync();
        await RecordingObserver.EventuallyAsync(() => !CanConnect(port), "listener closed");
        Assert.False(stop.IsCompleted);
        release.SetResult();

        Assert.Equal(new ushort[] { 77 }, await read.WaitAsync(Loopback.Timeout));
        await stop.WaitAsync(Loopback.Timeout);
        Assert.Equal(0, loop.Server.ActiveConnections);
    }

    [Fact]
    public async Task StopAsync_HandlerOutlivesShutdownTimeout_CancelsAndCloses()
    {
        var handler = new DelegateHandler(async (r, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return ModbusResponse.NoResponse;
        });
        await using var loop = await Loopback.StartAsync(handler: handler, configure: o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        using var socket = await loop.RawAsync();
        await socket.SendAsync(GoldenFrames.Hex("0001 0000 0006 01 03 0000 0001"), SocketFlags.None);
        await RecordingObserver.EventuallyAsync(() => loop.Server.ActiveConnections == 1, "connection");

        await loop.Server.StopAsync().WaitAsync(Loopback.Timeout);

        Assert.True(await Loopback.IsClosedByPeerAsync(socket));
    }

    [Fact]
    public async Task StopAsync_IdleConnections_ClosesThem()
    {
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(observer: observer);
        using var socket = await loop.RawAsync();
        await RecordingObserver.EventuallyAsync(() => loop.Server.ActiveConnections == 1, "connection");

        await loop.Server.StopAsync().WaitAsync(Loopback.Timeout);

        Assert.True(await Loopback.IsClosedByPeerAsync(socket));
        Assert.Equal(ModbusConnectionCloseReason.ServerStopping, Assert.Single(observer.Closed));
    }

    [Fact]
    public void LocalEndPoint_BeforeStart_Throws()
    {
        var server = new ModbusTcpServer(new DataStoreRequestHandler(new ModbusDataStore()));

        Assert.Throws<InvalidOperationException>(() => server.LocalEndPoint);
    }

    [Fact]
    public async Task StartAsync_Port0_BindsEphemeralPort()
    {
        await using var loop = await Loopback.StartAsync();

        Assert.NotEqual(0, loop.Port);
        Assert.Equal(IPAddress.Loopback, loop.Server.LocalEndPoint.Address);
        await Assert.ThrowsAsync<InvalidOperationException>(() => loop.Server.StartAsync());
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var handler = new DataStoreRequestHandler(new ModbusDataStore());

        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpServer(handler, new ModbusServerOptions { MaxConnections = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpServer(handler, new ModbusServerOptions { Port = 70000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpServer(handler, new ModbusServerOptions { IdleTimeout = TimeSpan.Zero }));
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
