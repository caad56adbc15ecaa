using EdgeHa.Demo.Measurement;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeHa.Demo.Data;

/// <summary>
/// The demo's consumer of a pair's samples over MQTT, as a historian would subscribe: QoS 1 and a persistent session
/// (clean session false, a fixed client id), so the broker keeps what arrives while this subscriber reconnects and
/// nothing is lost on its side; every message is recorded with its arrival time, repeats included (the analysis
/// dedupes, <see cref="SubscriberAnalyzer"/>). A message is acknowledged after it was recorded. When disposed it
/// writes what it received to its record file, one tab-separated line per message, for a look after the run.
/// </summary>
public sealed class MqttSampleSubscriber : ISampleSubscription
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(2);

    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly string _topic;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private Task _reconnector = Task.CompletedTask;
    private string? _problem;
    private string? _recordPath;

    private MqttSampleSubscriber(Uri broker, string topic, string clientId, TimeProvider time)
    {
        _topic = topic;
        _time = time;
        Name = $"{broker.Host}:{broker.Port} {topic}";
        _options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(false)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = SamplePayload.Parse(e.ApplicationMessage.Payload, _time.GetUtcNow());
            if (message is not null)
            {
                lock (_gate)
                {
                    _messages.Add(message);
                }
            }

            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_stop.IsCancellationRequested)
            {
                Volatile.Write(ref _problem, $"lost the connection to {broker.Host}:{broker.Port}: {e.Reason}");
                if (_disconnected.CurrentCount == 0)
                {
                    _disconnected.Release();
                }
            }

            return Task.CompletedTask;
        };
    }

    public string Name { get; }

    public string? Problem => Volatile.Read(ref _problem);

    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    /// <summary>
    /// Connects and subscribes (retrying until <paramref name="cancellationToken"/> ends it), then keeps the
    /// connection in the background: the subscription exists before the first sample is published.
    /// </summary>
    public static async Task<MqttSampleSubscriber> StartAsync(Uri broker, string topic, string clientId, TimeProvider? time, CancellationToken cancellationToken, string? recordPath = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var subscriber = new MqttSampleSubscriber(broker, topic, clientId, time ?? TimeProvider.System) { _recordPath = recordPath };
        try
        {
            await subscriber.ConnectUntilAsync(cancellationToken);
        }
        catch
        {
            await subscriber.DisposeAsync();
            throw;
        }

        subscriber._reconnector = Task.Run(subscriber.ReconnectLoopAsync, CancellationToken.None);
        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reconnector;
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // going away anyway
            }
        }

        _client.Dispose();
        if (_recordPath is not null)
        {
            var lines = Messages.Select(m => string.Join('\t', m.ReceivedAt.UtcDateTime.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture), m.Node, m.Epoch, m.Sequence, m.DeviceSequence, m.Sample));
            await File.WriteAllLinesAsync(_recordPath, ["received\tnode\tepoch\tsequence\tdeviceSequence\tsample", .. lines]);
        }

        _stop.Dispose();
        _disconnected.Dispose();
    }

    private async Task ConnectUntilAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                var result = await _client.ConnectAsync(_options, cancellationToken);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode}");
                }

                // Subscribing again on a kept session is harmless; a new session needs it.
                var subscribe = new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(_topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .Build();
                var granted = await _client.SubscribeAsync(subscribe, cancellationToken);
                if (granted.Items.Any(i => i.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2)))
                {
                    throw new InvalidOperationException($"the broker did not grant QoS 1 on {_topic}: {string.Join(", ", granted.Items.Select(i => i.ResultCode))}");
                }

                Volatile.Write(ref _problem, null);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
            {
                Volatile.Write(ref _problem, $"cannot subscribe at {Name}: {e.Message}");
                if (_client.IsConnected)
                {
                    await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
                }
            }

            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _disconnected.WaitAsync(stop);
                await ConnectUntilAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // disposed
        }
    }
}
