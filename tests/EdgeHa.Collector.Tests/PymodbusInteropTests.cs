using System.Diagnostics;
using System.Net.Sockets;
using EdgeHa.Modbus;
using EdgeHa.TestSupport;

namespace EdgeHa.Collector.Tests;

/// <summary>The collector against a Modbus server nobody here wrote: pymodbus (3.x, Debian's python3-pymodbus).</summary>
public sealed class PymodbusInteropTests : IDisposable
{
    // Serves unit 1 with fixed values; zero_mode makes protocol address N the N-th value (no pymodbus +1 offset).
    private const string Server = """
        import asyncio, sys
        from pymodbus.server import StartAsyncTcpServer
        from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
        slave = ModbusSlaveContext(
            hr=ModbusSequentialDataBlock(0, [11, 22, 33, 44, 55] + [0] * 95),
            ir=ModbusSequentialDataBlock(0, [4242] + [0] * 99),
            co=ModbusSequentialDataBlock(0, [True, False, True] + [False] * 97),
            di=ModbusSequentialDataBlock(0, [False] * 100),
            zero_mode=True)
        context = ModbusServerContext(slaves={1: slave}, single=False)
        asyncio.run(StartAsyncTcpServer(context=context, address=("127.0.0.1", int(sys.argv[1]))))
        """;

    private readonly string _script = Path.Combine(Path.GetTempPath(), $"edgeha-pymodbus-{Guid.NewGuid():N}.py");
    private Process? _process;

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        File.Delete(_script);
    }

    [PymodbusFact]
    public async Task PollOnceAsync_AgainstPymodbusServer_ReadsValuesSequenceAndCountsExceptions()
    {
        var port = FreePort.Next();
        File.WriteAllText(_script, Server);
        _process = Process.Start(new ProcessStartInfo(PymodbusFactAttribute.Python, [_script, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        await WaitForListenerAsync(port);

        var options = new CollectorOptions { DeviceHost = "127.0.0.1", DevicePort = port, Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0), RequestTimeout = TimeSpan.FromSeconds(5) };
        options.Reads.Add(new ReadBlock(ModbusTable.HoldingRegisters, 0, 5));
        options.Reads.Add(new ReadBlock(ModbusTable.Coils, 0, 3));
        await using var reader = ModbusDeviceReader.Create(options);
        var engine = new CollectorEngine(options, reader, new ManualRoleSource(CollectorRole.Active));

        var sample = await engine.PollOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotNull(sample);
        Assert.Equal(4242, sample.Sequence);
        Assert.Equal([(ushort)11, 22, 33, 44, 55], sample.Blocks[0].Registers);
        Assert.Equal([true, false, true], sample.Blocks[1].Bits);

        var outOfRange = new CollectorOptions { DeviceHost = "127.0.0.1", DevicePort = port, RequestTimeout = TimeSpan.FromSeconds(5) };
        outOfRange.Reads.Add(new ReadBlock(ModbusTable.HoldingRegisters, 200, 1));
        await using var reader2 = ModbusDeviceReader.Create(outOfRange);
        var failing = new CollectorEngine(outOfRange, reader2, new ManualRoleSource(CollectorRole.Active));
        Assert.Null(await failing.PollOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, failing.Metrics.Errors(PollErrorKind.Exception, ModbusExceptionCode.IllegalDataAddress));
    }

    private async Task WaitForListenerAsync(int port)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_process!.HasExited)
            {
                Assert.Fail($"pymodbus server exited: {await _process.StandardError.ReadToEndAsync(timeout.Token)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }
}
