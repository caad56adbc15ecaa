using System.Net;
using MQTTnet.Server;

namespace EdgeHa.Demo.Infrastructure;

/// <summary>
/// MQTTnet's broker in the demo process, on a loopback address of its own. Persistent sessions: a subscriber with
/// clean session false gets, after a reconnect, what arrived while it was away (QoS 1).
/// </summary>
public sealed class EmbeddedMqttBroker : IDemoBroker
{
    private readonly MqttServer _server;

    private EmbeddedMqttBroker(MqttServer server, Uri url)
    {
        _server = server;
        Url = url;
    }

    public Uri Url { get; }

    public string Description => $"embedded MQTTnet broker at {Url}";

    public static async Task<EmbeddedMqttBroker> StartAsync(string address, int port)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(address))
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync();
        return new EmbeddedMqttBroker(server, new Uri($"mqtt://{address}:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }
}
