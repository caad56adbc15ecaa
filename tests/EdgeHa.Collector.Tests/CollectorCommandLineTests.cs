using System.Net;
using EdgeHa.Modbus;

namespace EdgeHa.Collector.Tests;

public sealed class CollectorCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgeha-collector-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(string yaml)
    {
        var path = Path.Combine(_dir, "collector.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void TryParse_MinimalFlags_UsesDefaults()
    {
        Assert.True(CollectorParse.TryParse(["--device", "plc1:502", "--read", "holding:0:10"], out var o, out var error), error);

        Assert.Equal(("plc1", 502, (byte)1), (o.DeviceHost, o.DevicePort, o.UnitId));
        Assert.Equal([new ReadBlock(ModbusTable.HoldingRegisters, 0, 10)], o.Reads);
        Assert.Equal((TimeSpan.FromSeconds(1), CollectorRole.Active, 8080), (o.Interval, o.Role, o.HttpPort));
        Assert.Equal((TimeSpan.FromSeconds(3), 60, false), (o.EffectiveStaleAfter, o.BufferSeconds, o.StdoutJsonLines));
        Assert.Null(o.Sequence);
    }

    [Fact]
    public void TryParse_AllFlags_AreApplied()
    {
        string[] args =
        [
            "--device", "10.0.0.5:5020", "--unit=3", "--read", "holding:0:10", "--read", "coil:0:8", "--interval-ms", "250",
            "--role", "standby", "--http-port", "0", "--sequence", "input:0", "--stdout-jsonl", "--buffer-seconds", "30",
            "--stale-after-ms", "2000", "--request-timeout-ms", "300", "--bind", "127.0.0.1",
        ];

        Assert.True(CollectorParse.TryParse(args, out var o, out var error), error);

        Assert.Equal(("10.0.0.5", 5020, (byte)3), (o.DeviceHost, o.DevicePort, o.UnitId));
        Assert.Equal(2, o.Reads.Count);
        Assert.Equal((TimeSpan.FromMilliseconds(250), CollectorRole.Standby, 0), (o.Interval, o.Role, o.HttpPort));
        Assert.Equal(new SequenceRegister(ModbusTable.InputRegisters, 0), o.Sequence);
        Assert.True(o.StdoutJsonLines);
        Assert.Equal((30, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300)), (o.BufferSeconds, o.EffectiveStaleAfter, o.EffectiveRequestTimeout));
        Assert.Equal(IPAddress.Loopback, o.HttpBindAddress);
        Assert.Equal(121, o.BufferCapacity);
    }

    [Fact]
    public void TryParse_ConfigFileWithOverridingFlags_FlagsWin()
    {
        var path = Config("""
            device: plc:502
            unit: 2
            reads: [holding:0:4, input:0:2]
            intervalMilliseconds: 500
            role: standby
            sequence: input:0
            stdoutJsonl: true
            """);

        Assert.True(CollectorParse.TryParse(["--config", path, "--role", "active", "--read", "coil:0:1"], out var o, out var error), error);

        Assert.Equal(("plc", (byte)2, TimeSpan.FromMilliseconds(500)), (o.DeviceHost, o.UnitId, o.Interval));
        Assert.Equal(CollectorRole.Active, o.Role);
        Assert.Equal([new ReadBlock(ModbusTable.Coils, 0, 1)], o.Reads);
        Assert.True(o.StdoutJsonLines);
    }

    [Theory]
    [InlineData(new[] { "--read", "holding:0:1" }, "--device (device): HOST:PORT is required")]
    [InlineData(new[] { "--device", "plc:502" }, "--read (reads): at least one TABLE:ADDRESS:COUNT block is required")]
    [InlineData(new[] { "--device", "plc", "--read", "holding:0:1" }, "--device: 'plc' is not HOST:PORT")]
    [InlineData(new[] { "--device", "plc:1", "--read", "holding:0:1", "--role", "leader" }, "--role: 'leader' is not active, standby, stopped or lease")]
    [InlineData(new[] { "--device", "plc:1", "--read", "holding:0:1", "--interval-ms", "5" }, "--interval-ms: '5' is not an integer in 10..3600000")]
    [InlineData(new[] { "--device", "plc:1", "--read", "holding:0:1", "--interval-ms", "1000", "--stale-after-ms", "500" }, "--stale-after-ms (staleAfterMilliseconds): 500 must be at least the interval (1000)")]
    [InlineData(new[] { "--device", "plc:1", "--read", "bits:0:1" }, "--read: unknown table 'bits' in 'bits:0:1' (expected coil, discrete, holding or input)")]
    [InlineData(new[] { "--device", "plc:1", "--read", "holding:0:1", "--unit" }, "Required argument missing for option: '--unit'.")]
    [InlineData(new[] { "--device", "plc:1", "--verbose" }, "Unrecognized command or argument '--verbose'.")]
    public void TryParse_BadFlags_ExplainTheProblem(string[] args, string expected)
    {
        Assert.False(CollectorParse.TryParse(args, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_RepeatedFlag_LastWins()
    {
        Assert.True(CollectorParse.TryParse(["--device", "plc:502", "--read", "holding:0:1", "--mqtt-broker", "mqtt://a", "--mqtt-topic", "t", "--mqtt-broker=mqtt://b", "--unit", "2", "--unit", "3"], out var o, out var error), error);

        Assert.Equal((new Uri("mqtt://b"), (byte)3), (o.MqttBroker, o.UnitId));
    }

    [Fact]
    public void TryParse_StdoutJsonlFlag_OverridesTheConfigFile()
    {
        var path = Config("device: plc:502\nreads: [holding:0:1]\nstdoutJsonl: true\n");

        Assert.True(CollectorParse.TryParse(["--config", path, "--stdout-jsonl=false", "--once"], out var o, out var error), error);

        Assert.Equal((false, true), (o.StdoutJsonLines, o.Once));
    }

    [Fact]
    public void Parse_Help_AsksForUsage() => Assert.True(CollectorCommandLine.Parse(["--device", "x", "--help"]).Help);

    [Fact]
    public void TryParse_BadConfigFile_NamesFileLineAndField()
    {
        var path = Config("device: plc:502\nreads:\n  - holding:0:4\n  - holding:0:200\nintervalMs: 5\n");

        Assert.False(CollectorParse.TryParse(["--config", path], out _, out var error));

        Assert.Equal(
            $"{path}:4:5: reads[1]: count '200' in 'holding:0:200' is not 1..125{Environment.NewLine}"
            + $"{path}:5:1: intervalMs: unknown field (expected one of: device, unit, reads, intervalMilliseconds, role, httpPort, sequence, stdoutJsonl, bufferSeconds, staleAfterMilliseconds, requestTimeoutMilliseconds, bind, serveModbusPort, mqttBroker, mqttTopic, mqttClientId, mqttUsername, mqttPasswordFile, mqttCaFile, publishQueue)",
            error);
    }

    [Fact]
    public void TryParse_MissingConfigFile_SaysSo()
    {
        Assert.False(CollectorParse.TryParse(["--config", "/nonexistent/c.yaml"], out _, out var error));
        Assert.StartsWith("/nonexistent/c.yaml: cannot read the config: ", error, StringComparison.Ordinal);
    }
}
