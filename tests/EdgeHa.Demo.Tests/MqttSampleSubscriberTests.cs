using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeHa.Demo.Data;
using EdgeHa.Demo.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeHa.Demo.Tests;

/// <summary>The subscriber against the demo's real brokers on loopback: QoS 1, and a persistent session across its own reconnects.</summary>
public class MqttSampleSubscriberTests
{
    private const string Topic = "edgeha/default/demo-hot/samples";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StartAsync_EmbeddedBroker_ReceivesWhatWasPublishedWhileItWasAway()
    {
        await using var broker = await EmbeddedMqttBroker.StartAsync("127.0.0.1", FreePort());
        await PersistentSessionAsync(broker.Url);
    }

    [Fact]
    public async Task StartAsync_Mosquitto_ReceivesWhatWasPublishedWhileItWasAway()
    {
        if (MosquittoBroker.Executable is null)
        {
            return; // not installed here: the demo says so when asked for it
        }

        var work = Path.Combine(Path.GetTempPath(), $"edgeha-demo-mosquitto-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        var port = FreePort();
        await using (var broker = await MosquittoBroker.StartAsync("127.0.0.1", port, work, work, _ => WaitListeningAsync(port)))
        {
            await PersistentSessionAsync(broker.Url);
        }

        Directory.Delete(work, recursive: true);
    }

    private static async Task PersistentSessionAsync(Uri broker)
    {
        using var cts = new CancellationTokenSource(Patience);
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("test-collector").Build(), cts.Token);

        await using (var first = await MqttSampleSubscriber.StartAsync(broker, Topic, "test-subscriber", null, cts.Token))
        {
            await PublishAsync(publisher, 1, 2, 3);
            await WaitAsync(() => first.Count == 3, cts.Token);
            Assert.Equal([1L, 2, 3], first.Messages.Select(m => m.Sequence!.Value));
            Assert.All(first.Messages, m => Assert.Equal(("edge-a", 4L), (m.Node, m.Epoch)));
        }

        // Away (disconnected, session kept): the broker queues these for the same client id.
        await PublishAsync(publisher, 4, 5);
        await using var again = await MqttSampleSubscriber.StartAsync(broker, Topic, "test-subscriber", null, cts.Token);
        await PublishAsync(publisher, 6);
        await WaitAsync(() => again.Count >= 3, cts.Token);
        Assert.Equal([4L, 5, 6], again.Messages.Select(m => m.Sequence!.Value).Order());
        Assert.Null(again.Problem);
    }

    private static async Task PublishAsync(IMqttClient client, params long[] sequences)
    {
        foreach (var s in sequences)
        {
            var payload = Encoding.UTF8.GetBytes($$"""{"pair":"demo-hot","node":"edge-a","epoch":4,"sequence":{{s}},"deviceSequence":{{s}},"sample":{{s}}}""");
            var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(result.IsSuccess, result.ReasonString);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(20, ct);
        }
    }

    private static async Task WaitListeningAsync(int port)
    {
        using var cts = new CancellationTokenSource(Patience);
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cts.Token);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
