using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeHa.Modbus.Tests.Interop;

/// <summary>mbpoll (libmodbus-based, written by others) reading and writing our server.</summary>
public sealed partial class MbpollInteropTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);

    [MbpollFact]
    public async Task Mbpoll_ReadsEveryTable()
    {
        await using var loop = await Loopback.StartAsync();
        var unit = loop.Store.Units[0];
        unit.TryWriteRegisters(ModbusTable.HoldingRegisters, 10, [111, 222, 65535]);
        unit.TryWriteRegisters(ModbusTable.InputRegisters, 20, [7, 8]);
        unit.TryWriteBits(ModbusTable.Coils, 30, [true, false, true]);
        unit.TryWriteBits(ModbusTable.DiscreteInputs, 40, [false, true]);

        Assert.Equal([(10, 111L), (11, 222L), (12, 65535L)], Read(loop.Port, "4", 10, 3));
        Assert.Equal([(20, 7L), (21, 8L)], Read(loop.Port, "3", 20, 2));
        Assert.Equal([(30, 1L), (31, 0L), (32, 1L)], Read(loop.Port, "0", 30, 3));
        Assert.Equal([(40, 0L), (41, 1L)], Read(loop.Port, "1", 40, 2));
    }

    [MbpollFact]
    public async Task Mbpoll_WritesHoldingRegistersAndCoils()
    {
        await using var loop = await Loopback.StartAsync();
        var unit = loop.Store.Units[0];

        Mbpoll(loop.Port, ["-t", "4", "-r", "100"], "5", "6", "7"); // function 16
        Mbpoll(loop.Port, ["-t", "4", "-r", "110"], "4242"); // one value: function 06
        Mbpoll(loop.Port, ["-t", "0", "-r", "120"], "1", "0", "1"); // function 15
        Mbpoll(loop.Port, ["-t", "0", "-r", "130"], "1"); // function 05

        var registers = new ushort[3];
        unit.TryReadRegisters(ModbusTable.HoldingRegisters, 100, registers);
        Assert.Equal(new ushort[] { 5, 6, 7 }, registers);
        Assert.Equal(4242, unit.GetRegister(ModbusTable.HoldingRegisters, 110));
        var coils = new bool[3];
        unit.TryReadBits(ModbusTable.Coils, 120, coils);
        Assert.Equal(new[] { true, false, true }, coils);
        Assert.True(unit.GetBit(ModbusTable.Coils, 130));
    }

    [MbpollFact]
    public async Task Mbpoll_32BitValues_MatchOurWordOrders()
    {
        await using var loop = await Loopback.StartAsync();
        var unit = loop.Store.Units[0];

        Mbpoll(loop.Port, ["-t", "4:float", "-B", "-r", "200"], "--", "-12.5"); // big-endian word order
        Mbpoll(loop.Port, ["-t", "4:int", "-r", "210"], "--", "-100000"); // mbpoll's default: low word first

        var regs = new ushort[2];
        unit.TryReadRegisters(ModbusTable.HoldingRegisters, 200, regs);
        Assert.Equal(-12.5f, ModbusValues.GetSingle(regs, WordOrder.BigEndian));
        unit.TryReadRegisters(ModbusTable.HoldingRegisters, 210, regs);
        Assert.Equal(-100000, ModbusValues.GetInt32(regs, WordOrder.LittleEndian));

        unit.TryWriteRegisters(ModbusTable.InputRegisters, 220, ModbusValues.FromInt32(123456789, WordOrder.BigEndian));
        Assert.Equal([(220, 123456789L)], Read(loop.Port, "3:int", 220, 1, "-B"));
    }

    [MbpollFact]
    public async Task Mbpoll_AddressOutsideMap_ReportsIllegalDataAddress()
    {
        var store = new ModbusDataStore();
        store.AddUnit(1).AddRange(ModbusTable.HoldingRegisters, 0, 10);
        await using var loop = await Loopback.StartAsync(store);

        var (exitCode, stdout, stderr) = await Task.Run(() => ExternalTool.Run(ExternalTool.Mbpoll!, Args(loop.Port, ["-t", "4", "-r", "8", "-c", "5"], []), ToolTimeout));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Illegal data address", stdout + stderr, StringComparison.OrdinalIgnoreCase);
    }

    private static List<(int Address, long Value)> Read(int port, string type, int address, int count, params string[] extra)
    {
        var output = Mbpoll(port, ["-t", type, "-r", address.ToString(CultureInfo.InvariantCulture), "-c", count.ToString(CultureInfo.InvariantCulture), .. extra]);
        return [.. ValueLine().Matches(output).Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];
    }

    private static string Mbpoll(int port, string[] options, params string[] values)
    {
        var (exitCode, stdout, stderr) = ExternalTool.Run(ExternalTool.Mbpoll!, Args(port, options, values), ToolTimeout);
        Assert.True(exitCode == 0, $"mbpoll {string.Join(' ', options)} {string.Join(' ', values)} exited {exitCode}: {stdout} {stderr}");
        return stdout;
    }

    /// <summary>TCP, unit 1, PDU (0-based) addresses, poll once; the host goes between the options and the write values.</summary>
    private static string[] Args(int port, string[] options, string[] values) =>
        ["-m", "tcp", "-a", "1", "-0", "-1", "-o", "5", "-p", port.ToString(CultureInfo.InvariantCulture), .. options, "127.0.0.1", .. values];

    [GeneratedRegex(@"^\[(\d+)\]:\s+(-?\d+)", RegexOptions.Multiline)]
    private static partial Regex ValueLine();
}
