using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo.Tests;

public class DemoCommandLineTests
{
    [Fact]
    public void Parse_NoArguments_RunsBothModes()
    {
        var parsed = DemoCommandLine.Parse([]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(new DemoCommand(), parsed.Options);
    }

    [Fact]
    public void Parse_RunWithFlags_ReadsThem()
    {
        var command = DemoCommandLine.Parse(["run", "--mode=cold", "--timeout-seconds", "90", "--work-dir", "/tmp/x", "--configuration", "Debug"]).Options;

        Assert.Equal(("cold", TimeSpan.FromSeconds(90), "/tmp/x", "Debug"), (command!.Mode, command.Timeout, command.WorkDirectory, command.Configuration));
    }

    [Fact]
    public void Parse_FlagsWithoutRun_RunsWithThem() =>
        Assert.Equal(new DemoCommand { Mode = "hot", Timeout = TimeSpan.FromSeconds(30) }, DemoCommandLine.Parse(["--mode", "hot", "--timeout-seconds=30"]).Options);

    [Fact]
    public void Parse_Node_ReadsActionAndName()
    {
        var command = DemoCommandLine.Parse(["node", "crash", "edge-a", "--kubeconfig", "k"]).Options;

        Assert.Equal((DemoCommandKind.Node, "crash", "edge-a", "k"), (command!.Kind, command.NodeAction, command.NodeName, command.Kubeconfig));
    }

    [Theory]
    [InlineData("mosquitto", DemoBrokerKind.Mosquitto)]
    [InlineData("embedded", DemoBrokerKind.Embedded)]
    [InlineData("none", DemoBrokerKind.None)]
    public void Parse_Broker_ReadsTheKind(string value, DemoBrokerKind kind) =>
        Assert.Equal(kind, DemoCommandLine.Parse(["run", "--broker", value]).Options!.Broker);

    [Fact]
    public void Parse_NoBroker_LeavesItToTheEnvironmentVariable() => Assert.Null(DemoCommandLine.Parse(["run"]).Options!.Broker);

    [Fact]
    public void Parse_Up_IsHot() => Assert.Equal("hot", DemoCommandLine.Parse(["up"]).Options!.Mode);

    [Fact]
    public void Parse_UpAsTheScriptStartsIt_ReadsTheSharedFlags() =>
        Assert.Equal(
            new DemoCommand { Kind = DemoCommandKind.Up, Mode = "hot", WorkDirectory = "/tmp/up", Configuration = "Debug" },
            DemoCommandLine.Parse(["up", "--work-dir", "/tmp/up", "--configuration", "Debug"]).Options);

    [Theory]
    [InlineData(new[] { "--mode", "warm" }, "--mode: 'warm' is not hot, cold or both")]
    [InlineData(new[] { "--timeout-seconds", "5" }, "--timeout-seconds: '5' is not an integer in 10..3600")]
    [InlineData(new[] { "--mode" }, "Required argument missing for option: '--mode'.")]
    [InlineData(new[] { "node", "reboot", "edge-a" }, "Argument 'reboot' not recognized. Must be one of:\n\t'crash'\n\t'restore'")]
    [InlineData(new[] { "node", "crash" }, "Required argument 'NODE' missing for command: 'node'.")]
    [InlineData(new[] { "dance" }, "Unrecognized command or argument 'dance'.")]
    [InlineData(new[] { "--verbose" }, "Unrecognized command or argument '--verbose'.")]
    [InlineData(new[] { "--broker", "emqx" }, "--broker: 'emqx' is not embedded, mosquitto or none")]
    public void Parse_BadArguments_SaysWhat(string[] args, string error)
    {
        var parsed = DemoCommandLine.Parse(args);

        Assert.Null(parsed.Options);
        Assert.Equal([error], parsed.Errors);
    }

    [Theory]
    [InlineData(new[] { "run", "--help" }, "run")]
    [InlineData(new[] { "help" }, "EdgeHa.Demo")]
    [InlineData(new[] { "help", "node" }, "node")]
    [InlineData(new[] { "-h" }, "EdgeHa.Demo")]
    public void Parse_Help_IsHelpForTheCommand(string[] args, string command)
    {
        var parsed = DemoCommandLine.Parse(args);

        Assert.True(parsed.Help);
        Assert.Equal(command, parsed.Command.Name);
    }
}
