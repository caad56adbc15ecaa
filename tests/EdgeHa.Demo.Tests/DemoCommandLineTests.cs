using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo.Tests;

public class DemoCommandLineTests
{
    [Fact]
    public void Parse_NoArguments_RunsBothModes()
    {
        var (command, error) = DemoCommandLine.Parse([]);

        Assert.Null(error);
        Assert.Equal((DemoCommandKind.Run, "both"), (command!.Kind, command.Mode));
    }

    [Fact]
    public void Parse_RunWithFlags_ReadsThem()
    {
        var (command, _) = DemoCommandLine.Parse(["run", "--mode=cold", "--timeout-seconds", "90", "--work-dir", "/tmp/x", "--configuration", "Debug"]);

        Assert.Equal(("cold", TimeSpan.FromSeconds(90), "/tmp/x", "Debug"), (command!.Mode, command.Timeout, command.WorkDirectory, command.Configuration));
    }

    [Fact]
    public void Parse_Node_ReadsActionAndName()
    {
        var (command, _) = DemoCommandLine.Parse(["node", "crash", "edge-a", "--kubeconfig", "k"]);

        Assert.Equal((DemoCommandKind.Node, "crash", "edge-a", "k"), (command!.Kind, command.NodeAction, command.NodeName, command.Kubeconfig));
    }

    [Theory]
    [InlineData("mosquitto", DemoBrokerKind.Mosquitto)]
    [InlineData("embedded", DemoBrokerKind.Embedded)]
    [InlineData("none", DemoBrokerKind.None)]
    public void Parse_Broker_ReadsTheKind(string value, DemoBrokerKind kind) =>
        Assert.Equal(kind, DemoCommandLine.Parse(["run", "--broker", value]).Command!.Broker);

    [Fact]
    public void Parse_NoBroker_LeavesItToTheEnvironmentVariable() => Assert.Null(DemoCommandLine.Parse(["run"]).Command!.Broker);

    [Fact]
    public void Parse_Up_IsHot() => Assert.Equal("hot", DemoCommandLine.Parse(["up"]).Command!.Mode);

    [Theory]
    [InlineData(new[] { "--mode", "warm" }, "--mode: 'warm' is not hot, cold or both")]
    [InlineData(new[] { "--timeout-seconds", "5" }, "--timeout-seconds: '5' is not 10..3600")]
    [InlineData(new[] { "--mode" }, "--mode needs a value")]
    [InlineData(new[] { "node", "reboot", "edge-a" }, "usage: node crash|restore NODE")]
    [InlineData(new[] { "dance" }, "unknown command 'dance'")]
    [InlineData(new[] { "--verbose" }, "unknown argument '--verbose'")]
    [InlineData(new[] { "--broker", "emqx" }, "--broker: 'emqx' is not embedded, mosquitto or none")]
    public void Parse_BadArguments_SaysWhat(string[] args, string error)
    {
        var (command, message) = DemoCommandLine.Parse(args);

        Assert.Null(command);
        Assert.Equal(error, message);
    }

    [Fact]
    public void Parse_Help_IsHelp() => Assert.Equal(DemoCommandKind.Help, DemoCommandLine.Parse(["run", "--help"]).Command!.Kind);
}
