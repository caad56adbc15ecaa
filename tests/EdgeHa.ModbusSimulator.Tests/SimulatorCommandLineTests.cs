using System.Net;

namespace EdgeHa.ModbusSimulator.Tests;

public sealed class SimulatorCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgeha-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_NoArguments_UsesDefaults()
    {
        var options = SimulatorCommandLine.Parse([]).Options!;

        Assert.Equal((5020, 8080), (options.ModbusPort, options.HttpPort));
        Assert.Same(SimulatorMap.Default, options.Map);
        Assert.Equal(IPAddress.Any, options.BindAddress);
    }

    [Fact]
    public void Parse_AllFlags_AreApplied()
    {
        var path = Path.Combine(_dir, "map.yaml");
        File.WriteAllText(path, "units:\n  - unit: 4\n");

        var options = SimulatorCommandLine.Parse(["--port", "0", "--http-port=9", "--config", path, "--bind", "127.0.0.1"]).Options!;

        Assert.Equal((0, 9), (options.ModbusPort, options.HttpPort));
        Assert.Equal(4, Assert.Single(options.Map.Units).UnitId);
        Assert.Equal(IPAddress.Loopback, options.BindAddress);
    }

    [Theory]
    [InlineData(new[] { "--port", "70000" }, "--port: '70000' is not an integer in 0..65535")]
    [InlineData(new[] { "--http-port" }, "Required argument missing for option: '--http-port'.")]
    [InlineData(new[] { "--verbose" }, "Unrecognized command or argument '--verbose'.")]
    [InlineData(new[] { "--bind", "localhost" }, "--bind: 'localhost' is not an IP address")]
    public void Parse_BadArguments_ExplainTheProblem(string[] args, string expected)
    {
        var parsed = SimulatorCommandLine.Parse(args);

        Assert.Null(parsed.Options);
        Assert.Equal([expected], parsed.Errors);
    }

    [Fact]
    public void Parse_BadMap_ReportsTheMapError()
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, "units:\n  - unit: 1\n    holdingRegisters: [{ start: 0, count: 10 }]\n    values:\n      - { table: holding, address: 0, type: int8, value: 1 }\n");

        var parsed = SimulatorCommandLine.Parse(["--config", path]);

        Assert.Null(parsed.Options);
        Assert.Equal([$"{path}:5:45: units[0].values[0].type: unknown type 'int8' (expected bool, int16, uint16, int32, uint32, float32 or string)"], parsed.Errors);
    }

    [Fact]
    public void Parse_Help_AsksForUsage()
    {
        var parsed = SimulatorCommandLine.Parse(["--help"]);

        Assert.True(parsed.Help);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Parse_BindAddressInEnvironment_IsTheDefault()
    {
        var options = SimulatorCommandLine.Parse([], key => key == "EDGEHA_BIND_ADDRESS" ? "127.77.3.1" : null).Options!;

        Assert.Equal(System.Net.IPAddress.Parse("127.77.3.1"), options.BindAddress);
    }

    [Fact]
    public void Parse_BindFlag_WinsOverTheEnvironment()
    {
        var options = SimulatorCommandLine.Parse(["--bind", "127.0.0.1"], key => key == "EDGEHA_BIND_ADDRESS" ? "127.77.3.1" : null).Options!;

        Assert.Equal(System.Net.IPAddress.Loopback, options.BindAddress);
    }
}
