using System.Net;

namespace EdgeHa.Collector;

/// <summary>Everything the collector needs; built from flags and/or a YAML file by <see cref="CollectorCommandLine"/>.</summary>
public sealed class CollectorOptions
{
    /// <summary>Device host name or address.</summary>
    public string DeviceHost { get; set; } = "";

    /// <summary>Device Modbus TCP port.</summary>
    public int DevicePort { get; set; } = 502;

    /// <summary>Modbus unit identifier.</summary>
    public byte UnitId { get; set; } = 1;

    /// <summary>Blocks polled each interval, in this order.</summary>
    public List<ReadBlock> Reads { get; } = [];

    /// <summary>Time between polls.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Role at start-up (flag role source).</summary>
    public CollectorRole Role { get; set; } = CollectorRole.Active;

    /// <summary>HTTP port; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Address the HTTP endpoints bind to.</summary>
    public IPAddress HttpBindAddress { get; set; } = IPAddress.Any;

    /// <summary>The device's sequence register, when it has one.</summary>
    public SequenceRegister? Sequence { get; set; }

    /// <summary>Write each published sample as a JSON line on stdout.</summary>
    public bool StdoutJsonLines { get; set; }

    /// <summary>How many seconds of samples the ring buffer keeps.</summary>
    public int BufferSeconds { get; set; } = 60;

    /// <summary>Health turns 503 when the device has not answered for this long; null means 3 intervals.</summary>
    public TimeSpan? StaleAfter { get; set; }

    /// <summary>Timeout of each Modbus request; null means the interval clamped to 1..5 s.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Timeout to open the TCP connection to the device.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Take the role from the pair Lease (fencing) instead of <see cref="Role"/>.</summary>
    public bool UseLease { get; set; }

    /// <summary>True when --role (or role:) was given; otherwise the environment may select the lease.</summary>
    public bool RoleGiven { get; set; }

    /// <summary>The pair Lease's namespace.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>The pair Lease's name.</summary>
    public string? LeaseName { get; set; }

    /// <summary>This holder's identity (the pod name).</summary>
    public string? Identity { get; set; }

    /// <summary>Kubeconfig for the lease; null = the standard order.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Serve the published values over Modbus TCP on this port (the SCADA side of the VIP); null = off, 0 = any free port.</summary>
    public int? ModbusGatewayPort { get; set; }

    /// <summary>Most samples queued for the sinks (stdout, gateway, MQTT); beyond it the oldest is dropped and counted.</summary>
    public int PublishQueueCapacity { get; set; } = 10_000;

    /// <summary>The MQTT broker samples are published to (mqtt://HOST[:PORT] or mqtts://HOST[:PORT]); null = no MQTT.</summary>
    public Uri? MqttBroker { get; set; }

    /// <summary>The topic template; {namespace}, {pair} and {node} are replaced.</summary>
    public string MqttTopic { get; set; } = DefaultMqttTopic;

    public const string DefaultMqttTopic = "edgeha/{namespace}/{pair}/samples";

    /// <summary>The MQTT client id; null = edgeha-collector-{identity or host name}.</summary>
    public string? MqttClientId { get; set; }

    /// <summary>The MQTT user name, when the broker wants one.</summary>
    public string? MqttUsername { get; set; }

    /// <summary>A file holding the MQTT password (a mounted Secret); the password itself is never logged.</summary>
    public string? MqttPasswordFile { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate (mqtts); null = the system's trust store.</summary>
    public string? MqttCaFile { get; set; }

    /// <summary>The pair this collector belongs to (EDGEHA_PAIR), for the MQTT topic and payload.</summary>
    public string? Pair { get; set; }

    /// <summary>The node this collector runs on (EDGEHA_NODE, then NODE_NAME), for the MQTT payload.</summary>
    public string? Node { get; set; }

    /// <summary>The MQTT client id in effect.</summary>
    public string EffectiveMqttClientId => MqttClientId ?? $"edgeha-collector-{Identity ?? Environment.MachineName}";

    /// <summary>The namespace for the MQTT topic: the lease's (the pair's) namespace, else "default".</summary>
    public string EffectiveNamespace => string.IsNullOrEmpty(LeaseNamespace) ? "default" : LeaseNamespace;

    /// <summary>The node name for the MQTT payload.</summary>
    public string EffectiveNode => string.IsNullOrEmpty(Node) ? Environment.MachineName : Node;

    /// <summary>The MQTT topic with its placeholders filled.</summary>
    public string EffectiveMqttTopic => MqttTopic
        .Replace("{namespace}", EffectiveNamespace, StringComparison.Ordinal)
        .Replace("{pair}", Pair ?? "", StringComparison.Ordinal)
        .Replace("{node}", EffectiveNode, StringComparison.Ordinal);

    /// <summary>Poll once, print the sample and exit.</summary>
    public bool Once { get; set; }

    /// <summary>
    /// Fills what the operator injects into a pair's pods: the lease (EDGEHA_LEASE_NAMESPACE, EDGEHA_LEASE_NAME,
    /// POD_NAME) selects the lease role unless --role was given, and EDGEHA_BIND_ADDRESS the HTTP address.
    /// </summary>
    public void ApplyEnvironment(Func<string, string?> env, bool bindGiven)
    {
        ArgumentNullException.ThrowIfNull(env);
        LeaseNamespace ??= env("EDGEHA_LEASE_NAMESPACE") ?? env("POD_NAMESPACE");
        LeaseName ??= env("EDGEHA_LEASE_NAME");
        Identity ??= env("POD_NAME");
        Pair ??= env("EDGEHA_PAIR") is { Length: > 0 } pair ? pair : null;
        Node ??= env("EDGEHA_NODE") is { Length: > 0 } node ? node : env("NODE_NAME") is { Length: > 0 } nodeName ? nodeName : null;
        if (!RoleGiven && !string.IsNullOrEmpty(LeaseName))
        {
            UseLease = true;
        }

        if (!bindGiven && env("EDGEHA_BIND_ADDRESS") is { Length: > 0 } bind && IPAddress.TryParse(bind, out var address))
        {
            HttpBindAddress = address;
        }
    }

    /// <summary>Least severe log level written to the console (stderr when JSON lines go to stdout).</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;

    public TimeSpan EffectiveStaleAfter => StaleAfter ?? Interval * 3;

    public TimeSpan EffectiveRequestTimeout => RequestTimeout ?? TimeSpan.FromMilliseconds(Math.Clamp(Interval.TotalMilliseconds, 1000, 5000));

    /// <summary>Ring buffer slots: one per poll over the buffer window, plus one.</summary>
    public int BufferCapacity => (int)Math.Clamp(Math.Ceiling(BufferSeconds * 1000.0 / Math.Max(1, Interval.TotalMilliseconds)) + 1, 1, 10_000_000);

    /// <summary>Every problem with the options (empty when valid), each naming the flag/field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DeviceHost))
        {
            errors.Add("--device (device): HOST:PORT is required");
        }

        if (DevicePort is < 1 or > 65535)
        {
            errors.Add($"--device (device): port {DevicePort} is not 1..65535");
        }

        if (Reads.Count == 0)
        {
            errors.Add("--read (reads): at least one TABLE:ADDRESS:COUNT block is required");
        }

        if (Interval < TimeSpan.FromMilliseconds(10) || Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"--interval-ms (intervalMilliseconds): {Interval.TotalMilliseconds} is not 10..3600000");
        }

        if (HttpPort is < 0 or > 65535)
        {
            errors.Add($"--http-port (httpPort): {HttpPort} is not 0..65535");
        }

        if (ModbusGatewayPort is < 0 or > 65535)
        {
            errors.Add($"--serve-modbus (serveModbusPort): {ModbusGatewayPort} is not 0..65535");
        }

        if (BufferSeconds is < 1 or > 86400)
        {
            errors.Add($"--buffer-seconds (bufferSeconds): {BufferSeconds} is not 1..86400");
        }

        if (StaleAfter is { } stale && stale < Interval)
        {
            errors.Add($"--stale-after-ms (staleAfterMilliseconds): {stale.TotalMilliseconds} must be at least the interval ({Interval.TotalMilliseconds})");
        }

        if (UseLease)
        {
            if (string.IsNullOrWhiteSpace(LeaseNamespace))
            {
                errors.Add("--lease-namespace: the lease role needs the pair Lease's namespace (or EDGEHA_LEASE_NAMESPACE)");
            }

            if (string.IsNullOrWhiteSpace(LeaseName))
            {
                errors.Add("--lease-name: the lease role needs the pair Lease's name (or EDGEHA_LEASE_NAME)");
            }

            if (string.IsNullOrWhiteSpace(Identity))
            {
                errors.Add("--identity: the lease role needs this pod's name (or POD_NAME)");
            }
        }

        if (PublishQueueCapacity is < 1 or > 10_000_000)
        {
            errors.Add($"--publish-queue (publishQueue): {PublishQueueCapacity} is not 1..10000000");
        }

        if (MqttBroker is not null)
        {
            ValidateMqtt(errors);
        }

        if (RequestTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add("--request-timeout-ms (requestTimeoutMilliseconds): must be greater than 0");
        }

        return errors;
    }

    private void ValidateMqtt(List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(MqttTopic) || MqttTopic.Contains('+', StringComparison.Ordinal) || MqttTopic.Contains('#', StringComparison.Ordinal))
        {
            errors.Add($"--mqtt-topic (mqttTopic): '{MqttTopic}' must be a topic without wildcards (+, #)");
        }
        else if (MqttTopic.Contains("{pair}", StringComparison.Ordinal) && string.IsNullOrEmpty(Pair))
        {
            errors.Add($"--mqtt-topic (mqttTopic): '{MqttTopic}' uses {{pair}} but the pair is not known (EDGEHA_PAIR, set by the operator); give a topic without it");
        }

        if (MqttPasswordFile is { } password)
        {
            if (!File.Exists(password))
            {
                errors.Add($"--mqtt-password-file (mqttPasswordFile): '{password}' does not exist");
            }

            if (string.IsNullOrEmpty(MqttUsername))
            {
                errors.Add("--mqtt-password-file (mqttPasswordFile): a password needs --mqtt-username (MQTT sends no password without a user name)");
            }
        }

        if (MqttCaFile is { } ca)
        {
            if (MqttBroker?.Scheme != "mqtts")
            {
                errors.Add($"--mqtt-ca-file (mqttCaFile): only used with an mqtts:// broker, not '{MqttBroker}'");
            }
            else if (!File.Exists(ca))
            {
                errors.Add($"--mqtt-ca-file (mqttCaFile): '{ca}' does not exist");
            }
        }
    }
}
