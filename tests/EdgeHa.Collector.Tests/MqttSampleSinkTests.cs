using System.Net;
using EdgeHa.Modbus;
using EdgeHa.ModbusSimulator;
using EdgeHa.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeHa.Collector.Tests;

/// <summary>
/// The collector publishing to a real mosquitto, received with mosquitto_sub; the device is the simulator, in-process.
/// </summary>
public sealed class MqttSampleSinkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly List<IAsyncDisposable> _disposables = [];
    private SimulatorHost _device = null!;

    public async Task InitializeAsync()
    {
        _device = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Map = SimulatorMap.Default,
            BindAddress = IPAddress.Loopback,
            ModbusPort = 0,
            HttpPort = null,
            MinimumLogLevel = LogLevel.Warning,
        });
    }

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        await _device.DisposeAsync();
    }

    [MosquittoFact]
    public async Task Publish_Active_TheBrokerDeliversEveryAcknowledgedSampleInOrder()
    {
        var broker = Track(await MosquittoBroker.StartAsync());
        var subscriber = Track(await MqttSubscriber.StartAsync(broker));
        var collector = await StartCollectorAsync(broker, CollectorRole.Active);

        await WaitUntil(() => subscriber.Samples.Count >= 10, "10 samples arrive");
        await collector.DisposeAsync();
        var acknowledged = collector.Engine.LastPublished!.Number;
        await WaitUntil(() => subscriber.Samples.Count >= acknowledged, "every acknowledged sample arrives");

        var samples = subscriber.Samples;
        Assert.Equal(Enumerable.Range(1, samples.Count).Select(n => (long)n), samples.Select(s => s.GetProperty("sample").GetInt64()));
        var sequences = samples.Select(s => s.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.All(subscriber.Topics, t => Assert.Equal("edgeha/plant/line-1/samples", t));
        var first = samples[0];
        Assert.Equal(("line-1", "edge-a", 0L), (first.GetProperty("pair").GetString(), first.GetProperty("node").GetString(), first.GetProperty("epoch").GetInt64()));
        Assert.Equal(first.GetProperty("deviceSequence").GetInt64(), first.GetProperty("sequence").GetInt64());
        Assert.Equal(4, first.GetProperty("values").GetProperty("input:0:4").GetArrayLength());
    }

    [MosquittoFact]
    public async Task BrokerRestart_MidStream_BuffersReconnectsAndDeliversEverySampleAtLeastOnce()
    {
        var broker = Track(await MosquittoBroker.StartAsync());
        var subscriber = Track(await MqttSubscriber.StartAsync(broker));
        var collector = await StartCollectorAsync(broker, CollectorRole.Active);
        await WaitUntil(() => subscriber.Samples.Count >= 5, "5 samples arrive");

        await broker.StopAsync();
        await WaitUntil(() => collector.Engine.PublishQueueDepth >= 5, "samples are buffered while the broker is away");
        var state = collector.Engine.GetState();
        Assert.True(state.Degraded);
        Assert.Contains("mqtt: ", state.Reason, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            Assert.Equal(1, (await PrometheusScrape.GetAsync(http, new Uri($"http://{collector.HttpEndPoint}/metrics"))).Value("edgeha_collector_degraded"));
        }

        await broker.RestartAsync();
        await WaitUntil(() => collector.Engine.PublishQueueDepth <= 1 && !collector.Engine.GetState().Degraded, "the buffer drains after the reconnect");
        await collector.DisposeAsync();
        var acknowledged = collector.Engine.LastPublished!.Number;
        await WaitUntil(() => subscriber.Samples.Select(s => s.GetProperty("sample").GetInt64()).Distinct().Count() >= acknowledged, "every acknowledged sample arrives");

        var numbers = subscriber.Samples.Select(s => s.GetProperty("sample").GetInt64()).ToList();
        var lost = Enumerable.Range(1, (int)acknowledged).Select(n => (long)n).Except(numbers).ToList();
        Assert.Empty(lost);
        Assert.Equal(0, collector.Engine.Metrics.SamplesDropped);
        output.WriteLine($"{acknowledged} samples acknowledged, {numbers.Count} received, {numbers.Count - numbers.Distinct().Count()} duplicate(s)");
    }

    [MosquittoFact]
    public async Task BrokerDown_PublishQueueFull_DropsTheOldestCountedAndHealthSaysSo()
    {
        var broker = Track(await MosquittoBroker.StartAsync());
        var subscriber = Track(await MqttSubscriber.StartAsync(broker));
        var collector = await StartCollectorAsync(broker, CollectorRole.Active, o => o.PublishQueueCapacity = 3);
        await WaitUntil(() => subscriber.Samples.Count >= 3, "3 samples arrive");

        await broker.StopAsync();
        await WaitUntil(() => collector.Engine.Metrics.SamplesDropped >= 3, "the queue overflows");

        var state = collector.Engine.GetState();
        Assert.True(state.Healthy);
        Assert.Contains("publish queue full: ", state.Reason, StringComparison.Ordinal);
        Assert.Contains("(--publish-queue 3)", state.Reason, StringComparison.Ordinal);
        Assert.True(collector.Engine.PublishQueueDepth <= 4); // 3 queued + the one being written

        await broker.RestartAsync();
        await WaitUntil(() => collector.Engine.PublishQueueDepth <= 1 && !collector.Engine.GetState().Degraded, "the queue drains after the reconnect");
        var newest = collector.Engine.LastPublished!.Number;
        await WaitUntil(() => subscriber.Samples.Any(s => s.GetProperty("sample").GetInt64() == newest), "delivery resumes");
    }

    [MosquittoFact]
    public async Task WrongPassword_NothingIsPublishedAndHealthNamesAuthentication()
    {
        var broker = Track(await MosquittoBroker.StartAsync(("collector", "right")));
        var subscriber = Track(await MqttSubscriber.StartAsync(broker, ("collector", "right")));
        var passwordFile = Path.Combine(broker.Folder, "collector-password");
        await File.WriteAllTextAsync(passwordFile, "wrong\n");
        var collector = await StartCollectorAsync(broker, CollectorRole.Active, o =>
        {
            o.MqttUsername = "collector";
            o.MqttPasswordFile = passwordFile;
        });

        await WaitUntil(() => collector.Engine.GetState().Reason.Contains("authentication refused", StringComparison.Ordinal) && collector.Engine.Metrics.Polls >= 5, "health reports the refusal");

        var state = collector.Engine.GetState();
        Assert.True(state.Degraded);
        Assert.Contains("check --mqtt-username and --mqtt-password-file", state.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", state.Reason, StringComparison.Ordinal);
        Assert.Null(collector.Engine.LastPublished);
        Assert.Empty(subscriber.Samples);
    }

    [MosquittoFact]
    public async Task Standby_ConnectedToTheBroker_PublishesNothing()
    {
        var broker = Track(await MosquittoBroker.StartAsync());
        var subscriber = Track(await MqttSubscriber.StartAsync(broker));
        var standby = await StartCollectorAsync(broker, CollectorRole.Standby, o => { o.Node = "edge-b"; o.MqttClientId = "edgeha-test-b"; });
        var active = await StartCollectorAsync(broker, CollectorRole.Active);

        await WaitUntil(() => subscriber.Samples.Count >= 5 && standby.Mqtt!.IsConnected && standby.Engine.Buffer.Count >= 5, "the active publishes while the standby polls");

        Assert.All(subscriber.Samples, s => Assert.Equal("edge-a", s.GetProperty("node").GetString()));
        Assert.Null(standby.Engine.LastPublished);
        Assert.Equal(0, standby.Engine.PublishQueueDepth);
        Assert.NotNull(active.Engine.LastPublished);
    }

    [MosquittoFact]
    public async Task Tls_BrokerCertificateSignedByTheGivenCa_PublishesOverMqtts()
    {
        var broker = Track(await MosquittoBroker.StartAsync(tls: true));
        var subscriber = Track(await MqttSubscriber.StartAsync(broker));
        var collector = await StartCollectorAsync(broker, CollectorRole.Active, o => o.MqttCaFile = broker.CaFile);

        await WaitUntil(() => subscriber.Samples.Count >= 3, "samples arrive over TLS");

        Assert.Equal("mqtts", collector.Engine.Options.MqttBroker!.Scheme);
        Assert.False(collector.Engine.GetState().Degraded);
    }

    [MosquittoFact]
    public async Task Tls_BrokerCertificateFromAnotherCa_PublishesNothingAndHealthSaysWhy()
    {
        var broker = Track(await MosquittoBroker.StartAsync(tls: true));
        var subscriber = Track(await MqttSubscriber.StartAsync(broker));
        var otherCa = TestCertificates.CreateUnrelatedCa(broker.Folder);
        var collector = await StartCollectorAsync(broker, CollectorRole.Active, o => o.MqttCaFile = otherCa);

        await WaitUntil(() => collector.Engine.Metrics.Polls >= 5 && collector.Engine.GetState().Reason.Contains("mqtt: TLS with mqtts://127.0.0.1", StringComparison.Ordinal), "health reports the TLS failure");

        output.WriteLine(collector.Engine.GetState().Reason);
        Assert.Null(collector.Engine.LastPublished);
        Assert.Empty(subscriber.Samples);
    }

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private async Task<CollectorHost> StartCollectorAsync(MosquittoBroker broker, CollectorRole role, Action<CollectorOptions>? configure = null)
    {
        var options = new CollectorOptions
        {
            DeviceHost = "127.0.0.1",
            DevicePort = _device.ModbusEndPoint.Port,
            HttpPort = 0,
            HttpBindAddress = IPAddress.Loopback,
            Interval = TimeSpan.FromMilliseconds(50),
            Role = role,
            Sequence = new SequenceRegister(ModbusTable.InputRegisters, 0),
            RequestTimeout = TimeSpan.FromSeconds(5),
            MinimumLogLevel = LogLevel.Warning,
            MqttBroker = broker.Url,
            MqttClientId = "edgeha-test-a",
            LeaseNamespace = "plant",
            Pair = "line-1",
            Node = "edge-a",
        };
        options.Reads.Add(new ReadBlock(ModbusTable.InputRegisters, 0, 4));
        configure?.Invoke(options);
        return Track(await CollectorHost.StartAsync(options));
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
