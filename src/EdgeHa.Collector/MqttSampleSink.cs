using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeHa.Collector;

/// <summary>
/// Publishes samples to an MQTT broker at QoS 1, one JSON message per sample (<see cref="ToPayload"/>). A sample
/// counts as written only when the broker's PUBACK came back; a sample whose PUBACK did not arrive is written again
/// (at-least-once: consumers dedupe on pair + sequence). The connection is kept by a loop of its own, reconnecting
/// with exponential backoff and jitter (100 ms doubling to 10 s); while the broker is away the samples wait in the
/// <see cref="SampleOutbox"/> (bounded, oldest dropped and counted) and <see cref="Problem"/> says why. The
/// standby connects too, so that a refused password shows in its health before it is needed, but publishes nothing.
/// </summary>
public sealed class MqttSampleSink : ISampleSink, IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);

    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly string _broker;
    private readonly string _topic;
    private readonly string? _pair;
    private readonly string _node;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private Task _connector = Task.CompletedTask;
    private string? _problem;
    private string? _loggedProblem;
    private object? _refusal; // the boxed MqttClientConnectResultCode of the last refused CONNACK

    private MqttSampleSink(MqttClientOptions clientOptions, string broker, string topic, string? pair, string node, TimeProvider time, ILogger logger)
    {
        _clientOptions = clientOptions;
        _broker = broker;
        _topic = topic;
        _pair = pair;
        _node = node;
        _time = time;
        _logger = logger;
        _problem = $"not connected to {broker} yet";
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += e =>
        {
            if (e.ConnectResult is { ResultCode: not MqttClientConnectResultCode.Success } refused)
            {
                Volatile.Write(ref _refusal, refused.ResultCode);
            }

            if (e.ClientWasConnected && !_stop.IsCancellationRequested)
            {
                SetProblem($"lost the connection to {_broker}: {e.Reason}", LogLevel.Warning);
            }

            Signal();
            return Task.CompletedTask;
        };
    }

    public string Name => "mqtt";

    public string? Problem => Volatile.Read(ref _problem);

    /// <summary>The topic samples go to.</summary>
    public string Topic => _topic;

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Builds the sink from the options (reads the password and CA files) and starts connecting.</summary>
    /// <exception cref="MqttSettingsException">A file named by a flag cannot be read.</exception>
    public static MqttSampleSink Start(CollectorOptions options, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var broker = options.MqttBroker ?? throw new ArgumentException("no --mqtt-broker", nameof(options));
        var tls = broker.Scheme == "mqtts";
        var port = broker.IsDefaultPort || broker.Port < 0 ? (tls ? 8883 : 1883) : broker.Port;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.IdnHost, port)
            .WithClientId(options.EffectiveMqttClientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(5)); // connect and PUBACK: a silent broker must not hold a sample for long

        if (!string.IsNullOrEmpty(options.MqttUsername))
        {
            builder = builder.WithCredentials(options.MqttUsername, ReadPassword(options.MqttPasswordFile));
        }

        if (tls)
        {
            var trust = options.MqttCaFile is { } ca ? ReadCertificates(ca) : null;
            builder = builder.WithTlsOptions(o =>
            {
                o.UseTls(true).WithTargetHost(broker.IdnHost);
                if (trust is not null)
                {
                    o.WithTrustChain(trust);
                }
            });
        }

        var sink = new MqttSampleSink(builder.Build(), $"{broker.Scheme}://{broker.IdnHost}:{port}", options.EffectiveMqttTopic, options.Pair, options.EffectiveNode, time ?? TimeProvider.System, logger);
        sink._connector = Task.Run(sink.ConnectLoopAsync);
        return sink;
    }

    public async ValueTask<bool> WriteAsync(Sample sample, Func<bool> mayEmit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(mayEmit);
        if (!_client.IsConnected)
        {
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topic)
            .WithPayload(ToPayload(sample, _pair, _node))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        if (!mayEmit())
        {
            return false;
        }

        try
        {
            var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess)
            {
                return true;
            }

            SetProblem($"{_broker} did not accept a sample: {result.ReasonCode} {result.ReasonString}".TrimEnd(), LogLevel.Warning);
            return false;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            // No PUBACK: the broker may or may not have the sample; it is sent again after the reconnect.
            SetProblem($"no PUBACK from {_broker}: {e.Message}", LogLevel.Warning);
            Signal();
            return false;
        }
    }

    /// <summary>
    /// The MQTT payload: <c>{"pair":"line-1","node":"edge-a","epoch":3,"sequence":65537,"deviceSequence":1,
    /// "sample":17,"timestamp":"...","values":{"input:0:4":[1,2,3,4]}}</c>. <c>sequence</c> is the device counter
    /// unwrapped to 64 bits; <c>timestamp</c> is when the poll completed.
    /// </summary>
    public static byte[] ToPayload(Sample sample, string? pair, string node)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteStringOrNull(json, "pair", pair);
            json.WriteString("node", node);
            json.WriteNumber("epoch", sample.Epoch);
            WriteNumberOrNull(json, "sequence", sample.UnwrappedSequence);
            WriteNumberOrNull(json, "deviceSequence", sample.Sequence);
            json.WriteNumber("sample", sample.Number);
            json.WriteString("timestamp", sample.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartObject("values");
            foreach (var block in sample.Blocks)
            {
                json.WriteStartArray(block.Block.ToString());
                foreach (var bit in block.Bits ?? [])
                {
                    json.WriteBooleanValue(bit);
                }

                foreach (var register in block.Registers ?? [])
                {
                    json.WriteNumberValue(register);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _connector.ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Leaving anyway: the broker drops the session when the socket closes.
            }
        }

        _client.Dispose();
        _stop.Dispose();
        _disconnected.Dispose();
    }

    private async Task ConnectLoopAsync()
    {
        var stop = _stop.Token;
        var backoff = new RetryBackoff(FirstRetry, MaxRetry);
        while (!stop.IsCancellationRequested)
        {
            if (_client.IsConnected)
            {
                try
                {
                    await _disconnected.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                Volatile.Write(ref _refusal, null);
                var result = await _client.ConnectAsync(_clientOptions, stop).ConfigureAwait(false);
                if (result.ResultCode == MqttClientConnectResultCode.Success)
                {
                    backoff.Reset();
                    Volatile.Write(ref _problem, null);
                    _loggedProblem = null;
                    Log.MqttConnected(_logger, _broker, _topic);
                    continue;
                }

                Refused(result.ResultCode);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (MqttConnectingFailedException e)
            {
                // The broker answered CONNACK with a refusal: the code comes with the disconnection event.
                if (Volatile.Read(ref _refusal) is MqttClientConnectResultCode code)
                {
                    Refused(code);
                }
                else
                {
                    SetProblem($"{_broker} refused the connection: {e.Message}", LogLevel.Error);
                }
            }
            catch (Exception e) when (TlsFailure(e) is { } tls)
            {
                SetProblem($"TLS with {_broker} failed (is its certificate for this host and signed by the --mqtt-ca-file CA?): {tls.Message}", LogLevel.Error);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SetProblem($"cannot reach {_broker}: {e.Message}", LogLevel.Warning);
            }

            try
            {
                await Task.Delay(backoff.Next(), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static System.Security.Authentication.AuthenticationException? TlsFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException tls)
            {
                return tls;
            }
        }

        return null;
    }

    private void Refused(MqttClientConnectResultCode code)
    {
        var problem = code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadAuthenticationMethod
            ? $"authentication refused by {_broker} ({code}): check --mqtt-username and --mqtt-password-file"
            : $"{_broker} refused the connection ({code})";
        SetProblem(problem, LogLevel.Error);
    }

    /// <summary>Records why the sink cannot deliver; logs each distinct problem once, not once per retry.</summary>
    private void SetProblem(string problem, LogLevel level)
    {
        Volatile.Write(ref _problem, problem);
        if (!string.Equals(_loggedProblem, problem, StringComparison.Ordinal))
        {
            _loggedProblem = problem;
            Log.MqttProblem(_logger, level, problem);
        }
    }

    private void Signal()
    {
        try
        {
            _disconnected.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private static string ReadPassword(string? path)
    {
        if (path is null)
        {
            return "";
        }

        try
        {
            return File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MqttSettingsException($"--mqtt-password-file: cannot read '{path}': {e.Message}", e);
        }
    }

    private static X509Certificate2Collection ReadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new MqttSettingsException($"--mqtt-ca-file: cannot read PEM certificates from '{path}': {e.Message}", e);
        }

        return certificates.Count > 0 ? certificates : throw new MqttSettingsException($"--mqtt-ca-file: '{path}' holds no PEM certificate");
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } n)
        {
            json.WriteNumber(name, n);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}

/// <summary>An MQTT setting that cannot be used (a file that cannot be read); the message names the flag.</summary>
public sealed class MqttSettingsException : Exception
{
    public MqttSettingsException(string message)
        : base(message)
    {
    }

    public MqttSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MqttSettingsException()
    {
    }
}
