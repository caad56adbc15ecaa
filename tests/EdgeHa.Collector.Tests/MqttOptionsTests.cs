namespace EdgeHa.Collector.Tests;

/// <summary>The MQTT and publish-queue settings: flags, EDGEHA_* variables, config keys, and errors that name the flag.</summary>
public sealed class MqttOptionsTests : IDisposable
{
    private static readonly string[] Base = ["--device", "plc:502", "--read", "input:0:4"];
    private readonly string _dir = Directory.CreateTempSubdirectory("edgeha-collector-mqtt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TryParse_MqttFlags_AreAppliedAndTheTopicFilledFromTheOperatorEnvironment()
    {
        var password = File("password", "s3cret\n");
        string[] args =
        [
            .. Base, "--mqtt-broker", "mqtt://broker.plant:1884", "--mqtt-client-id", "c1", "--mqtt-username", "edge",
            "--mqtt-password-file", password, "--publish-queue", "500",
        ];

        var ok = CollectorParse.TryParse(args, out var o, out var error,
            Env(("EDGEHA_LEASE_NAMESPACE", "plant"), ("EDGEHA_PAIR", "line-1"), ("EDGEHA_NODE", "edge-a"), ("EDGEHA_LEASE_NAME", "line-1-active"), ("POD_NAME", "p")));

        Assert.True(ok, error);
        Assert.Equal(new Uri("mqtt://broker.plant:1884"), o.MqttBroker);
        Assert.Equal(("c1", "edge", password, 500), (o.EffectiveMqttClientId, o.MqttUsername, o.MqttPasswordFile, o.PublishQueueCapacity));
        Assert.Equal("edgeha/plant/line-1/samples", o.EffectiveMqttTopic);
        Assert.Equal("edge-a", o.EffectiveNode);
    }

    [Fact]
    public void TryParse_EnvironmentVariables_FillWhatFlagsDoNotGive()
    {
        var ok = CollectorParse.TryParse([.. Base, "--mqtt-topic", "plant/{node}/samples"], out var o, out var error,
            Env(("EDGEHA_MQTT_BROKER", "mqtt://env-broker"), ("EDGEHA_MQTT_TOPIC", "ignored/{pair}"), ("EDGEHA_MQTT_CLIENT_ID", "from-env"), ("EDGEHA_PUBLISH_QUEUE", "42"), ("NODE_NAME", "node-7")));

        Assert.True(ok, error);
        Assert.Equal(new Uri("mqtt://env-broker"), o.MqttBroker);
        Assert.Equal(("plant/node-7/samples", "from-env", 42), (o.EffectiveMqttTopic, o.EffectiveMqttClientId, o.PublishQueueCapacity));
    }

    [Fact]
    public void TryParse_ConfigKeys_AreApplied()
    {
        var ca = File("ca.pem", "-----BEGIN CERTIFICATE-----\n");
        var config = File("collector.yaml", $"""
            device: plc:502
            reads: [input:0:4]
            mqttBroker: mqtts://broker.plant
            mqttTopic: plant/line-1
            mqttCaFile: {ca}
            publishQueue: 7
            """);

        Assert.True(CollectorParse.TryParse(["--config", config], out var o, out var error), error);

        Assert.Equal(("mqtts", "plant/line-1", ca, 7), (o.MqttBroker!.Scheme, o.EffectiveMqttTopic, o.MqttCaFile, o.PublishQueueCapacity));
    }

    public static TheoryData<string[], string> BadSettings => new()
    {
        { ["--mqtt-broker", "http://broker"], "--mqtt-broker: 'http://broker' is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT]" },
        { ["--mqtt-broker", "mqtt://edge:s3cret@broker"], "--mqtt-broker: (a URL with credentials) is not mqtt://HOST[:PORT]" },
        { ["--mqtt-broker", "mqtt://broker"], "--mqtt-topic (mqttTopic): 'edgeha/{namespace}/{pair}/samples' uses {pair} but the pair is not known" },
        { ["--mqtt-broker", "mqtt://broker", "--mqtt-topic", "plant/#"], "--mqtt-topic (mqttTopic): 'plant/#' must be a topic without wildcards" },
        { ["--mqtt-broker", "mqtt://broker", "--mqtt-topic", "t", "--mqtt-username", "u", "--mqtt-password-file", "/nonexistent/pw"], "--mqtt-password-file (mqttPasswordFile): '/nonexistent/pw' does not exist" },
        { ["--mqtt-broker", "mqtt://broker", "--mqtt-topic", "t", "--mqtt-ca-file", "/etc/hostname"], "--mqtt-ca-file (mqttCaFile): only used with an mqtts:// broker" },
        { ["--publish-queue", "0"], "--publish-queue: '0' is not an integer in 1..10000000" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void TryParse_BadSetting_NamesTheFlag(string[] flags, string expected)
    {
        Assert.False(CollectorParse.TryParse([.. Base, .. flags], out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_PasswordFileWithoutUserName_SaysTheUserNameIsNeeded()
    {
        var password = File("password", "pw");

        Assert.False(CollectorParse.TryParse([.. Base, "--mqtt-broker", "mqtt://b", "--mqtt-topic", "t", "--mqtt-password-file", password], out _, out var error));

        Assert.Contains("--mqtt-password-file (mqttPasswordFile): a password needs --mqtt-username", error, StringComparison.Ordinal);
    }
}
