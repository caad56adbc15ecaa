using System.Net;

namespace EdgeHa.ModbusSimulator.Tests;

public sealed class SimulatorCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgeha-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TryParse_NoArguments_UsesDefaults()
    {
        Assert.True(SimulatorCommandLine.TryParse([], out var options, out _));

        Assert.Equal((5020, 8080), (options.ModbusPort, options.HttpPort));
        Assert.Same(SimulatorMap.Default, options.Map);
        Assert.Equal(IPAddress.Any, options.BindAddress);
    }

    [Fact]
    public void TryParse_AllFlags_AreApplied()
    {
        var path = Path.Combine(_dir, "map.yaml");
        File.WriteAllText(path, "units:\n  - unit: 4\n");

        Assert.True(SimulatorCommandLine.TryParse(["--port", "0", "--http-port=9", "--config", path, "--bind", "127.0.0.1"], out var options, out _));

        Assert.Equal((0, 9), (options.ModbusPort, options.HttpPort));
        Assert.Equal(4, Assert.Single(options.Map.Units).UnitId);
        Assert.Equal(IPAddress.Loopback, options.BindAddress);
    }

    [Theory]
    [InlineData(new[] { "--port", "70000" }, "--port: '70000' is not a port (0..65535)")]
    [InlineData(new[] { "--http-port" }, "--http-port needs a value")]
    [InlineData(new[] { "--verbose" }, "unknown argument '--verbose'")]
    [InlineData(new[] { "--bind", "localhost" }, "--bind: 'localhost' is not an IP address")]
    public void TryParse_BadArguments_ExplainTheProblem(string[] args, string expected)
    {
        Assert.False(SimulatorCommandLine.TryParse(args, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_BadMap_ReportsTheMapError()
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, "units:\n  - unit: 1\n    holdingRegisters: [{ start: 0, count: 10 }]\n    values:\n      - { table: holding, address: 0, type: int8, value: 1 }\n");

        Assert.False(SimulatorCommandLine.TryParse(["--config", path], out _, out var error));

        Assert.Equal($"{path}:5:45: units[0].values[0].type: unknown type 'int8' (expected bool, int16, uint16, int32, uint32, float32 or string)", error);
    }

    [Fact]
    public void TryParse_Help_ReturnsFalseWithoutError()
    {
        Assert.False(SimulatorCommandLine.TryParse(["--help"], out _, out var error));
        Assert.Empty(error);
    }

    [Fact]
    public void TryParse_BindAddressInEnvironment_IsTheDefault()
    {
        Assert.True(SimulatorCommandLine.TryParse([], out var options, out _, key => key == "EDGEHA_BIND_ADDRESS" ? "127.77.3.1" : null));

        Assert.Equal(System.Net.IPAddress.Parse("127.77.3.1"), options.BindAddress);
    }

    [Fact]
    public void TryParse_BindFlag_WinsOverTheEnvironment()
    {
        Assert.True(SimulatorCommandLine.TryParse(["--bind", "127.0.0.1"], out var options, out _, key => key == "EDGEHA_BIND_ADDRESS" ? "127.77.3.1" : null));

        Assert.Equal(System.Net.IPAddress.Loopback, options.BindAddress);
    }
}
