using System.Text.Json.Nodes;
using EdgeHa.Demo.Infrastructure;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class MqttBrokerArgumentTests
{
    private static readonly Uri Broker = new("mqtt://127.66.0.4:41883");

    private static JsonObject Pair(params JsonObject[] containers) => new()
    {
        ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(containers) } } },
    };

    private static List<string> Args(JsonObject pair, int container) =>
        [.. pair["spec"]!["template"]!["spec"]!["containers"]![container]!["args"]!.AsArray().Select(a => a!.GetValue<string>())];

    [Fact]
    public void Set_CollectorContainer_AppendsTheFlagOnlyThere()
    {
        var pair = Pair(
            new JsonObject { ["image"] = "edgeha/collector:0.1.0", ["args"] = new JsonArray("--device", "127.66.0.2:5020") },
            new JsonObject { ["image"] = "busybox", ["args"] = new JsonArray("sleep") });

        Assert.Equal(1, MqttBrokerArgument.Set(pair, SandboxDemoEnvironment.CollectorImage, Broker));

        Assert.Equal(["--device", "127.66.0.2:5020", "--mqtt-broker", "mqtt://127.66.0.4:41883"], Args(pair, 0));
        Assert.Equal(["sleep"], Args(pair, 1));
    }

    [Fact]
    public void Set_FlagAlreadyThere_AppendsTheOverride()
    {
        var pair = Pair(new JsonObject { ["image"] = "edgeha/collector", ["args"] = new JsonArray("--mqtt-broker", "mqtt://broker.plant", "--bind", "$(POD_IP)") });

        MqttBrokerArgument.Set(pair, SandboxDemoEnvironment.CollectorImage, Broker);

        // The collector takes the last --mqtt-broker (CollectorCommandLineTests.TryParse_RepeatedFlag_LastWins).
        Assert.Equal(["--mqtt-broker", "mqtt://broker.plant", "--bind", "$(POD_IP)", "--mqtt-broker", "mqtt://127.66.0.4:41883"], Args(pair, 0));
    }

    [Theory]
    [InlineData(DemoApp.HotManifest)]
    [InlineData(DemoApp.ColdManifest)]
    public void DemoSamples_NameNoBroker_SoTheyApplyAsTheyAreWithoutOne(string file)
    {
        // The demo injects the broker into its own copy; the sample stays usable on a cluster without the demo's broker.
        var text = File.ReadAllText(Path.Combine(RepoFiles.Layout.DemoSamples, file));

        Assert.DoesNotContain(MqttBrokerArgument.Flag, text, StringComparison.Ordinal);
        Assert.Contains(SandboxDemoEnvironment.CollectorImage + ":", text, StringComparison.Ordinal);
    }
}
