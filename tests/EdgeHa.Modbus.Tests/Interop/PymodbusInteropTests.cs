using System.Diagnostics;
using System.Text.Json;
using EdgeHa.TestSupport;

namespace EdgeHa.Modbus.Tests.Interop;

/// <summary>pymodbus (written by others) as a client of our server and as a server for our client.</summary>
public sealed class PymodbusInteropTests
{
    [PymodbusFact]
    public async Task PymodbusClient_AgainstOurServer_ReadsWritesAndSeesExceptions()
    {
        await using var loop = await Loopback.StartAsync();
        var unit = loop.Store.Units[0];
        unit.TryWriteRegisters(ModbusTable.HoldingRegisters, 0, [11, 22, 33]);
        unit.TryWriteRegisters(ModbusTable.InputRegisters, 0, [1234, 5678]);
        unit.TryWriteBits(ModbusTable.DiscreteInputs, 0, [true, false, true]);

        var (exitCode, stdout, stderr) = await Task.Run(() =>
            ExternalTool.Run(ExternalTool.Python, [ExternalTool.Script("pymodbus_client.py"), loop.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(60)));

        Assert.True(exitCode == 0, $"pymodbus client exited {exitCode}: {stdout} {stderr}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        Assert.Equal([11, 22, 33], Ints(root, "holding"));
        Assert.Equal([1234, 5678], Ints(root, "input"));
        Assert.Equal([true, false, true], Bools(root, "discrete"));
        Assert.Equal([true, false, false, true, false, true, true], Bools(root, "coils"));
        Assert.Equal([1, 2, 3, 65535], Ints(root, "written"));
        Assert.Equal([4321, 99], Ints(root, "readwrite")); // 23 writes register 11 before reading 10..11
        Assert.Equal(125, root.GetProperty("max_read").GetInt32());
        Assert.Equal(2, root.GetProperty("exception").GetInt32());
        Assert.Equal(0x0B, root.GetProperty("unknown_unit").GetInt32());
        Assert.Equal(4321, unit.GetRegister(ModbusTable.HoldingRegisters, 10));
        Assert.True(unit.GetBit(ModbusTable.Coils, 5));
    }

    [PymodbusFact]
    public async Task OurClient_AgainstPymodbusServer_EveryFunctionCode()
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo(ExternalTool.Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ExternalTool.Script("pymodbus_server.py"));
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var server = Process.Start(info)!;
        server.ErrorDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        try
        {
            var ready = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(ready?.StartsWith("ready", StringComparison.Ordinal), $"pymodbus server did not start: {ready}");
            await using var client = new ModbusTcpClient(new ModbusClientOptions { Port = port, RequestTimeout = TimeSpan.FromSeconds(5) });

            Assert.Equal(new ushort[] { 1000, 1001, 1002 }, await client.ReadHoldingRegistersAsync(1, 0, 3));
            Assert.Equal(new ushort[] { 1500, 1501 }, await client.ReadInputRegistersAsync(1, 500, 2));
            Assert.Equal(new[] { false, true, false, true }, await client.ReadDiscreteInputsAsync(1, 10, 4));
            Assert.Equal(ModbusLimits.MaxReadRegisters, (await client.ReadHoldingRegistersAsync(1, 0, ModbusLimits.MaxReadRegisters)).Length);

            await client.WriteSingleRegisterAsync(1, 5, 555);
            await client.WriteMultipleRegistersAsync(1, 6, ModbusValues.FromSingle(3.25f));
            Assert.Equal(new ushort[] { 555 }, await client.ReadHoldingRegistersAsync(1, 5, 1));
            Assert.Equal(3.25f, ModbusValues.GetSingle(await client.ReadHoldingRegistersAsync(1, 6, 2)));

            await client.WriteSingleCoilAsync(1, 3, true);
            await client.WriteMultipleCoilsAsync(1, 10, [true, true, false, true, false, false, false, false, true]);
            Assert.Equal(new[] { true }, await client.ReadCoilsAsync(1, 3, 1));
            Assert.Equal(new[] { true, true, false, true, false, false, false, false, true }, await client.ReadCoilsAsync(1, 10, 9));

            Assert.Equal(new ushort[] { 7, 8, 1022 }, await client.ReadWriteMultipleRegistersAsync(1, 20, 3, 20, new ushort[] { 7, 8 }));

            var ex = await Assert.ThrowsAsync<ModbusException>(() => client.ReadHoldingRegistersAsync(1, 999, 2));
            Assert.Equal(ModbusExceptionCode.IllegalDataAddress, ex.ExceptionCode);
            Assert.Equal(ModbusFunctionCode.ReadHoldingRegisters, ex.FunctionCode);
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(5000))
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    private static int[] Ints(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    private static bool[] Bools(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(e => e.GetBoolean())];
}
