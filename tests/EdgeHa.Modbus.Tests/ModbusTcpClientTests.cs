using System.Net;
using System.Net.Sockets;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Modbus.Tests;

public sealed class ModbusTcpClientTests
{
    [Fact]
    public async Task EveryFunctionCode_AgainstOurServer_RoundTrips()
    {
        await using var loop = await Loopback.StartAsync();
        var unit = loop.Store.Units[0];
        unit.SetBit(ModbusTable.DiscreteInputs, 11, true);
        unit.SetRegister(ModbusTable.InputRegisters, 12, 1234);
        await using var client = loop.Client();

        await client.WriteSingleCoilAsync(1, 3, true);
        await client.WriteMultipleCoilsAsync(1, 5, [true, false, true]);
        await client.WriteSingleRegisterAsync(1, 10, 0xBEEF);
        await client.WriteMultipleRegistersAsync(1, 11, ModbusValues.FromSingle(1.5f));

        Assert.Equal(new[] { false, false, false, true, false, true, false, true }, await client.ReadCoilsAsync(1, 0, 8));
        Assert.Equal(new[] { false, true, false }, await client.ReadDiscreteInputsAsync(1, 10, 3));
        Assert.Equal(new ushort[] { 0xBEEF, 0x3FC0, 0 }, await client.ReadHoldingRegistersAsync(1, 10, 3));
        Assert.Equal(1.5f, ModbusValues.GetSingle(await client.ReadHoldingRegistersAsync(1, 11, 2)));
        Assert.Equal(new ushort[] { 1234 }, await client.ReadInputRegistersAsync(1, 12, 1));
        Assert.Equal(new ushort[] { 7, 8, 0xBEEF }, await client.ReadWriteMultipleRegistersAsync(1, 8, 3, 8, new ushort[] { 7, 8 }));
        Assert.True(unit.GetBit(ModbusTable.Coils, 3));
        Assert.Equal(0xBEEF, unit.GetRegister(ModbusTable.HoldingRegisters, 10));
    }

    [Fact]
    public async Task Requests_AtEveryLimit_Succeed()
    {
        await using var loop = await Loopback.StartAsync(ModbusDataStore.CreateFlat(1, 65536));
        await using var client = loop.Client();
        var registers = Enumerable.Range(0, ModbusLimits.MaxWriteRegisters).Select(i => (ushort)(i * 3)).ToArray();
        var coils = Enumerable.Range(0, ModbusLimits.MaxWriteBits).Select(i => i % 3 == 0).ToArray();

        await client.WriteMultipleRegistersAsync(1, 65536 - 123, registers);
        await client.WriteMultipleCoilsAsync(1, 65536 - 1968, coils);

        Assert.Equal(registers, (await client.ReadHoldingRegistersAsync(1, 65536 - 125, ModbusLimits.MaxReadRegisters))[2..]);
        Assert.Equal(ModbusLimits.MaxReadRegisters, (await client.ReadInputRegistersAsync(1, 0, ModbusLimits.MaxReadRegisters)).Length);
        Assert.Equal(coils, (await client.ReadCoilsAsync(1, 65536 - 2000, ModbusLimits.MaxReadBits))[32..]);
        Assert.Equal(ModbusLimits.MaxReadBits, (await client.ReadDiscreteInputsAsync(1, 0, ModbusLimits.MaxReadBits)).Length);
        Assert.Equal(125, (await client.ReadWriteMultipleRegistersAsync(1, 0, 125, 0, new ushort[ModbusLimits.MaxReadWriteWriteRegisters])).Length);
        Assert.Equal(new ushort[] { 1 }, await client.ReadWriteMultipleRegistersAsync(1, 65535, 1, 65535, new ushort[] { 1 }));
    }

    public static TheoryData<string> OverLimitCases =>
        ["coils 2001", "coils 0", "discrete 2001", "holding 126", "holding 0", "input 126", "write coils 1969", "write coils 0", "write registers 124", "write registers 0", "rw read 126", "rw write 122", "address overflow", "write overflow"];

    [Theory]
    [MemberData(nameof(OverLimitCases))]
    public async Task Requests_OverLimit_ThrowBeforeSending(string which)
    {
        var observer = new RecordingObserver();
        await using var loop = await Loopback.StartAsync(observer: observer);
        await using var client = loop.Client();
        await client.ConnectAsync();

        Task call = which switch
        {
            "coils 2001" => client.ReadCoilsAsync(1, 0, 2001),
            "coils 0" => client.ReadCoilsAsync(1, 0, 0),
            "discrete 2001" => client.ReadDiscreteInputsAsync(1, 0, 2001),
            "holding 126" => client.ReadHoldingRegistersAsync(1, 0, 126),
            "holding 0" => client.ReadHoldingRegistersAsync(1, 0, 0),
            "input 126" => client.ReadInputRegistersAsync(1, 0, 126),
            "write coils 1969" => Call(() => client.WriteMultipleCoilsAsync(1, 0, new bool[1969])),
            "write coils 0" => Call(() => client.WriteMultipleCoilsAsync(1, 0, [])),
            "write registers 124" => Call(() => client.WriteMultipleRegistersAsync(1, 0, new ushort[124])),
            "write registers 0" => Call(() => client.WriteMultipleRegistersAsync(1, 0, [])),
            "rw read 126" => client.ReadWriteMultipleRegistersAsync(1, 0, 126, 0, new ushort[1]),
            "rw write 122" => client.ReadWriteMultipleRegistersAsync(1, 0, 1, 0, new ushort[122]),
            "address overflow" => client.ReadHoldingRegistersAsync(1, 65535, 2),
            _ => Call(() => client.WriteMultipleRegistersAsync(1, 65500, new ushort[100])),
        };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => call);
        Assert.Equal(new ushort[] { 0 }, await client.ReadHoldingRegistersAsync(1, 0, 1));
        Assert.Single(observer.Requests); // only the probe above reached the server
    }

    public static TheoryData<ModbusExceptionCode> ExceptionCodes => [.. Enum.GetValues<ModbusExceptionCode>()];

    [Theory]
    [MemberData(nameof(ExceptionCodes))]
    public async Task Requests_ExceptionResponse_ThrowModbusExceptionWithCode(ModbusExceptionCode code)
    {
        var handler = DelegateHandler.Of(r => ModbusResponse.Exception(r.FunctionCode, code));
        await using var loop = await Loopback.StartAsync(handler: handler);
        await using var client = loop.Client();

        foreach (var (function, call) in EveryFunction(client))
        {
            var ex = await Assert.ThrowsAsync<ModbusException>(call);
            Assert.Equal(code, ex.ExceptionCode);
            Assert.Equal(function, ex.FunctionCode);
        }
    }

    [Fact]
    public async Task Requests_FromOurDataStore_ThrowSpecExceptions()
    {
        var store = new ModbusDataStore();
        store.AddUnit(1).AddRange(ModbusTable.HoldingRegisters, 0, 10);
        await using var loop = await Loopback.StartAsync(store);
        await using var client = loop.Client();

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, (await Assert.ThrowsAsync<ModbusException>(() => client.ReadHoldingRegistersAsync(1, 5, 10))).ExceptionCode);
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, (await Assert.ThrowsAsync<ModbusException>(() => client.ReadCoilsAsync(1, 0, 1))).ExceptionCode);
        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, (await Assert.ThrowsAsync<ModbusException>(() => client.ReadHoldingRegistersAsync(2, 0, 1))).ExceptionCode);
        Assert.Equal(ModbusExceptionCode.IllegalFunction, (await Assert.ThrowsAsync<ModbusException>(() => client.SendAsync(1, new UnsupportedRequest()))).ExceptionCode);
    }

    [Fact]
    public async Task SendAsync_NoAnswer_ThrowsTimeoutAndConnectionStaysUsable()
    {
        var handler = DelegateHandler.Of(r => ((ReadHoldingRegistersRequest)r.Pdu).Address == 0 ? ModbusResponse.NoResponse : new ReadHoldingRegistersResponse([5]));
        await using var loop = await Loopback.StartAsync(handler: handler);
        await using var client = loop.Client(o => o.RequestTimeout = TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<TimeoutException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));

        Assert.True(client.IsConnected);
        Assert.Equal(new ushort[] { 5 }, await client.ReadHoldingRegistersAsync(1, 1, 1));
    }

    [Fact]
    public async Task SendAsync_LateAnswerAfterCancel_IsDroppedNotMatchedToNextRequest()
    {
        var handler = new DelegateHandler(async (r, ct) =>
        {
            var address = ((ReadHoldingRegistersRequest)r.Pdu).Address;
            if (address == 0)
            {
                await Task.Delay(300, ct);
            }

            return new ReadHoldingRegistersResponse([address]);
        });
        await using var loop = await Loopback.StartAsync(handler: handler);
        await using var client = loop.Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadHoldingRegistersAsync(1, 0, 1, cts.Token));

        // The server answers in order: the late answer (value 0) arrives first, while this request waits.
        Assert.Equal(new ushort[] { 9 }, await client.ReadHoldingRegistersAsync(1, 9, 1));
    }

    [Fact]
    public async Task SendAsync_ManyConcurrentRequests_EachGetsItsOwnAnswer()
    {
        await using var loop = await Loopback.StartAsync();
        var unit = loop.Store.Units[0];
        for (var i = 0; i < 1000; i++)
        {
            unit.SetRegister(ModbusTable.HoldingRegisters, i, (ushort)(i * 7));
        }

        await using var client = loop.Client(o => o.MaxPendingRequests = 32);

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => client.ReadHoldingRegistersAsync(1, (ushort)i, 1)));

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ushort)(i * 7)), results.Select(r => r[0]));
    }

    [Fact]
    public async Task SendAsync_ServerAnswersOutOfOrder_MatchesByTransactionId()
    {
        // A hand-written server that collects 5 requests, then answers them in reverse order.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            using var stream = new NetworkStream(socket);
            var reader = new ModbusFrameReader(stream);
            var requests = new List<(MbapHeader Header, ushort Address)>();
            for (var i = 0; i < 5; i++)
            {
                var frame = (await reader.ReadFrameAsync())!.Value;
                ModbusRequestPdu.TryDecode(frame.Pdu.Span, out var pdu, out _);
                requests.Add((frame.Header, ((ReadHoldingRegistersRequest)pdu!).Address));
            }

            requests.Reverse();
            foreach (var (header, address) in requests)
            {
                await ModbusFrameWriter.WriteAsync(stream, header.TransactionId, header.UnitId, new ReadHoldingRegistersResponse([(ushort)(address + 100)]));
            }
        });
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Port = ((IPEndPoint)listener.LocalEndpoint).Port, RequestTimeout = Loopback.Timeout });
        await client.ConnectAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => client.ReadHoldingRegistersAsync(1, (ushort)i, 1)));

        Assert.Equal(new ushort[] { 100, 101, 102, 103, 104 }, results.Select(r => r[0]));
        await server;
    }

    [Theory]
    [InlineData("0001 0000 0004 01 03 02 00")] // byte count says 2, one byte follows
    [InlineData("0001 0000 0005 02 03 02 0001")] // another unit id
    [InlineData("0001 0000 0005 01 04 02 0001")] // another function code
    public async Task SendAsync_MalformedAnswer_ThrowsProtocolExceptionAndKeepsConnection(string answer)
    {
        await using var fake = await FakeServer.StartAsync(async (stream, reader) =>
        {
            await reader.ReadFrameAsync();
            await stream.WriteAsync(GoldenFrames.Hex(answer));
            var second = (await reader.ReadFrameAsync())!.Value;
            await ModbusFrameWriter.WriteAsync(stream, second.Header.TransactionId, 1, new ReadHoldingRegistersResponse([3]));
        });
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Port = fake.Port, RequestTimeout = Loopback.Timeout });
        await client.ConnectAsync();

        await Assert.ThrowsAsync<ModbusProtocolException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));
        Assert.Equal(new ushort[] { 3 }, await client.ReadHoldingRegistersAsync(1, 0, 1));
    }

    [Fact]
    public async Task SendAsync_AnswerBreaksFraming_ThrowsProtocolExceptionAndReconnects()
    {
        var connections = 0;
        await using var fake = await FakeServer.StartAsync(async (stream, reader) =>
        {
            var frame = (await reader.ReadFrameAsync())!.Value;
            if (Interlocked.Increment(ref connections) == 1)
            {
                await stream.WriteAsync(GoldenFrames.Hex("0001 0007 0005 01 03 02 0001")); // protocol id 7
                await reader.ReadFrameAsync();
                return;
            }

            await ModbusFrameWriter.WriteAsync(stream, frame.Header.TransactionId, 1, new ReadHoldingRegistersResponse([4]));
        });
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Port = fake.Port, RequestTimeout = Loopback.Timeout });

        await Assert.ThrowsAsync<ModbusProtocolException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));
        await RecordingObserver.EventuallyAsync(() => !client.IsConnected, "connection dropped");

        Assert.Equal(new ushort[] { 4 }, await client.ReadHoldingRegistersAsync(1, 0, 1));
        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task SendAsync_ServerRestarted_ReconnectsOnNextRequest()
    {
        var store = ModbusDataStore.CreateFlat(1, 10);
        var first = await Loopback.StartAsync(store);
        var port = first.Port;
        await using var client = first.Client();
        await client.WriteSingleRegisterAsync(1, 0, 5);
        await first.DisposeAsync();

        await RecordingObserver.EventuallyAsync(() => !client.IsConnected, "connection noticed closed");
        await using var second = await Loopback.StartAsync(store, configure: o => o.Port = port);

        Assert.Equal(new ushort[] { 5 }, await client.ReadHoldingRegistersAsync(1, 0, 1));
    }

    [Fact]
    public async Task SendAsync_ConnectFails_BacksOffExponentially()
    {
        var time = new FakeTimeProvider();
        var port = FreePort.Next();
        await using var client = new ModbusTcpClient(new ModbusClientOptions
        {
            Port = port,
            TimeProvider = time,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        });

        await Assert.ThrowsAsync<SocketException>(() => client.ReadHoldingRegistersAsync(1, 0, 1)); // attempt 1
        var during = await Assert.ThrowsAsync<IOException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));
        Assert.Contains("next attempt", during.Message, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<SocketException>(() => client.ReadHoldingRegistersAsync(1, 0, 1)); // attempt 2, next delay 200 ms
        time.Advance(TimeSpan.FromMilliseconds(150));
        await Assert.ThrowsAsync<IOException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));
        time.Advance(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAsync<SocketException>(() => client.ReadHoldingRegistersAsync(1, 0, 1)); // attempt 3, next delay 300 ms (cap)
        time.Advance(TimeSpan.FromMilliseconds(299));
        await Assert.ThrowsAsync<IOException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));

        // The device comes back: after the delay the next request connects, and the back-off resets.
        var store = ModbusDataStore.CreateFlat(1, 1);
        await using var loop = await Loopback.StartAsync(store, configure: o => o.Port = port);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new ushort[] { 0 }, await client.ReadHoldingRegistersAsync(1, 0, 1));
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsSocketException()
    {
        await using var client = new ModbusTcpClient(new ModbusClientOptions { Port = FreePort.Next() });

        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync());
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task SendAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var loop = await Loopback.StartAsync(handler: DelegateHandler.Of(_ => ModbusResponse.NoResponse));
        await using var client = loop.Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReadHoldingRegistersAsync(1, 0, 1, cts.Token));
    }

    [Fact]
    public async Task DisposeAsync_PendingRequest_FailsIt()
    {
        await using var loop = await Loopback.StartAsync(handler: DelegateHandler.Of(_ => ModbusResponse.NoResponse));
        var client = loop.Client();
        var pending = client.ReadHoldingRegistersAsync(1, 0, 1);
        await RecordingObserver.EventuallyAsync(() => client.IsConnected, "connected");

        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(Loopback.Timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ReadHoldingRegistersAsync(1, 0, 1));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpClient(new ModbusClientOptions { Port = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpClient(new ModbusClientOptions { RequestTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModbusTcpClient(new ModbusClientOptions { ReconnectMinDelay = TimeSpan.FromSeconds(2), ReconnectMaxDelay = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentException>(() => new ModbusTcpClient(new ModbusClientOptions { Host = " " }));
    }

    private static Task Call(Func<Task> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private static IEnumerable<(ModbusFunctionCode, Func<Task>)> EveryFunction(ModbusTcpClient client) =>
    [
        (ModbusFunctionCode.ReadCoils, () => client.ReadCoilsAsync(1, 0, 1)),
        (ModbusFunctionCode.ReadDiscreteInputs, () => client.ReadDiscreteInputsAsync(1, 0, 1)),
        (ModbusFunctionCode.ReadHoldingRegisters, () => client.ReadHoldingRegistersAsync(1, 0, 1)),
        (ModbusFunctionCode.ReadInputRegisters, () => client.ReadInputRegistersAsync(1, 0, 1)),
        (ModbusFunctionCode.WriteSingleCoil, () => client.WriteSingleCoilAsync(1, 0, true)),
        (ModbusFunctionCode.WriteSingleRegister, () => client.WriteSingleRegisterAsync(1, 0, 1)),
        (ModbusFunctionCode.WriteMultipleCoils, () => client.WriteMultipleCoilsAsync(1, 0, [true])),
        (ModbusFunctionCode.WriteMultipleRegisters, () => client.WriteMultipleRegistersAsync(1, 0, [1])),
        (ModbusFunctionCode.ReadWriteMultipleRegisters, () => client.ReadWriteMultipleRegistersAsync(1, 0, 1, 0, new ushort[] { 1 })),
    ];

    /// <summary>A function code our library does not implement (0x16, mask write register), to see the server answer 01.</summary>
    private sealed class UnsupportedRequest : ModbusRequestPduShim
    {
        public UnsupportedRequest()
            : base(GoldenFrames.Hex("16 0000 FFFF 0000"))
        {
        }
    }
}
