using System.CommandLine;
using System.Globalization;
using System.Net;
using EdgeHa.Hosting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeHa.Collector;

/// <summary>
/// Builds <see cref="CollectorOptions"/> from a YAML file (<c>--config</c>) and flags; flags win over the file, and
/// <c>--read</c> flags replace the file's <c>reads</c>. Every error names the flag or field (and line:column for the file).
/// The flags are System.CommandLine options (shared helpers in EdgeHa.Hosting); their values, like the file's, are
/// read by <see cref="Apply"/>, so a flag and its config key accept the same values and fail with the same message.
/// </summary>
public static class CollectorCommandLine
{
    /// <summary>One setting: its flag, its config key and environment variable (if any), and its help.</summary>
    private sealed record Setting(string Flag, string? Key, string? Env, string HelpName, string Description);

    /// <summary>Every setting; the config keys in the order the "unknown field" error lists them.</summary>
    private static readonly Setting[] Settings =
    [
        new("--device", "device", null, "HOST:PORT", "Modbus TCP device"),
        new("--unit", "unit", null, "N", "unit id (default 1)"),
        new("--read", "reads", null, "TABLE:ADDRESS:COUNT", "block to poll; TABLE is coil, discrete, holding or input (repeatable)"),
        new("--interval-ms", "intervalMilliseconds", null, "N", "poll interval (default 1000)"),
        new("--role", "role", null, "active|standby|stopped|lease",
            "initial role (default active; lease when EDGEHA_LEASE_NAME is set); with lease the pair Lease decides (fencing) and PUT /role is refused"),
        new("--http-port", "httpPort", null, "N", "HTTP port for /healthz /metrics /samples /role (default 8080)"),
        new("--sequence", "sequence", null, "TABLE:ADDRESS", "the device's 16-bit sequence register (holding or input)"),
        new("--stdout-jsonl", "stdoutJsonl", null, "", "also write each published sample as a JSON line on stdout"),
        new("--buffer-seconds", "bufferSeconds", null, "N", "seconds of samples kept for replay (default 60)"),
        new("--stale-after-ms", "staleAfterMilliseconds", null, "N", "unhealthy when the device has not answered for this long (default 3 intervals)"),
        new("--request-timeout-ms", "requestTimeoutMilliseconds", null, "N", "timeout of each Modbus request (default: interval, clamped to 1000..5000)"),
        new("--bind", "bind", null, "ADDRESS", "HTTP bind address (default EDGEHA_BIND_ADDRESS, then 0.0.0.0)"),
        new("--serve-modbus", "serveModbusPort", null, "PORT", "serve the published values over Modbus TCP (reads only; standby answers busy)"),
        new("--mqtt-broker", "mqttBroker", "EDGEHA_MQTT_BROKER", "URL", "publish samples to mqtt://HOST[:1883] or mqtts://HOST[:8883] (QoS 1)"),
        new("--mqtt-topic", "mqttTopic", "EDGEHA_MQTT_TOPIC", "TOPIC", "topic; {namespace} {pair} {node} are filled (default edgeha/{namespace}/{pair}/samples)"),
        new("--mqtt-client-id", "mqttClientId", "EDGEHA_MQTT_CLIENT_ID", "ID", "MQTT client id (default edgeha-collector-POD_NAME)"),
        new("--mqtt-username", "mqttUsername", "EDGEHA_MQTT_USERNAME", "NAME", "MQTT user name"),
        new("--mqtt-password-file", "mqttPasswordFile", "EDGEHA_MQTT_PASSWORD_FILE", "FILE", "file holding the MQTT password (never logged)"),
        new("--mqtt-ca-file", "mqttCaFile", "EDGEHA_MQTT_CA_FILE", "FILE", "PEM CA certificate(s) the mqtts broker's certificate must chain to"),
        new("--publish-queue", "publishQueue", "EDGEHA_PUBLISH_QUEUE", "N", "samples queued for the sinks before the oldest is dropped (default 10000)"),
        new("--lease-namespace", null, null, "NS", "the pair Lease's namespace (default EDGEHA_LEASE_NAMESPACE, then POD_NAMESPACE)"),
        new("--lease-name", null, null, "NAME", "the pair Lease (default EDGEHA_LEASE_NAME)"),
        new("--identity", null, null, "POD", "this holder's identity (default POD_NAME)"),
        new("--kubeconfig", null, null, "FILE", "kubeconfig for the lease (default: KUBECONFIG, ~/.kube/config, in-cluster)"),
    ];

    private static readonly string[] ConfigKeys = [.. Settings.Where(s => s.Key is not null).Select(s => s.Key!)];

    /// <summary>The options, or every problem found (exit code 2), or a request for help.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Where the operator's injected variables are read (see <see cref="CollectorOptions.ApplyEnvironment"/>); null reads none.</param>
    public static ParsedCommandLine<CollectorOptions> Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var config = Flag.Repeated("--config", "YAML config; flags override it").Shown("FILE");
        var once = Flag.Switch("--once", "poll once, print the sample as JSON and exit (0 when the device answered)");
        var jsonl = Flag.Switch("--stdout-jsonl", Settings.Single(s => s.Flag == "--stdout-jsonl").Description);
        var reads = Flag.Repeated("--read", Settings.Single(s => s.Flag == "--read").Description).Shown("TABLE:ADDRESS:COUNT");
        var values = Settings.Where(s => s.Flag is not ("--read" or "--stdout-jsonl")).ToDictionary(s => s.Flag, s => Flag.Text(s.Flag, s.Description).Shown(s.HelpName));
        var root = ProgramCommandLine.Root("EdgeHa.Collector",
            "The reference data collector: polls Modbus registers, honours its role (active / standby), self-fences. The --mqtt-* flags and "
            + "--publish-queue may also come from EDGEHA_MQTT_BROKER, EDGEHA_MQTT_TOPIC, ..., EDGEHA_PUBLISH_QUEUE (flags win), and from the "
            + "config as mqttBroker, mqttTopic, ..., publishQueue",
            [.. Settings.Select(s => s.Flag switch { "--read" => reads, "--stdout-jsonl" => jsonl, var flag => (Option)values[flag] }), config, once]);
        return ProgramCommandLine.Parse(root, args, (result, errors) =>
        {
            var options = new CollectorOptions { Once = result.GetValue(once) };
            foreach (var path in result.GetValue(config) ?? [])
            {
                LoadConfig(path, options, errors);
            }

            var readFlags = result.GetValue(reads) ?? [];
            if (readFlags.Length > 0)
            {
                options.Reads.Clear();
            }

            // The environment overrides the config file; flags override both.
            if (environment is not null)
            {
                foreach (var setting in Settings.Where(s => s.Env is not null && result.GetResult(values[s.Flag]) is null))
                {
                    if (environment(setting.Env!) is { Length: > 0 } value)
                    {
                        Apply(options, setting.Flag, setting.Env!, value, errors);
                    }
                }
            }

            foreach (var read in readFlags)
            {
                Apply(options, "--read", "--read", read, errors);
            }

            result.Apply(jsonl, on => options.StdoutJsonLines = on);
            foreach (var (flag, option) in values)
            {
                result.Apply(option, value => Apply(options, flag, flag, value, errors));
            }

            if (environment is not null)
            {
                options.ApplyEnvironment(environment, bindGiven: !options.HttpBindAddress.Equals(IPAddress.Any));
            }

            if (errors.Count == 0)
            {
                errors.AddRange(options.Validate());
            }

            return options;
        });
    }

    /// <summary>Applies one setting; <paramref name="name"/> is what error messages call it (flag or file location + key).</summary>
    private static void Apply(CollectorOptions o, string flag, string name, string value, List<string> errors)
    {
        switch (flag)
        {
            case "--device":
                {
                    var colon = value.LastIndexOf(':');
                    if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                    {
                        errors.Add($"{name}: '{value}' is not HOST:PORT");
                        return;
                    }

                    o.DeviceHost = value[..colon].Trim('[', ']');
                    o.DevicePort = port;
                    return;
                }

            case "--unit":
                if (Int(value, 0, 255, name, errors) is { } unit)
                {
                    o.UnitId = (byte)unit;
                }

                return;
            case "--read":
                if (ReadBlock.TryParse(value, out var block, out var readError))
                {
                    o.Reads.Add(block);
                }
                else
                {
                    errors.Add($"{name}: {readError}");
                }

                return;
            case "--interval-ms":
                if (Int(value, 10, 3_600_000, name, errors) is { } interval)
                {
                    o.Interval = TimeSpan.FromMilliseconds(interval);
                }

                return;
            case "--role":
                o.RoleGiven = true;
                if (string.Equals(value.Trim(), "lease", StringComparison.OrdinalIgnoreCase))
                {
                    o.UseLease = true;
                }
                else if (TryParseRole(value, out var role))
                {
                    o.Role = role;
                    o.UseLease = false;
                }
                else
                {
                    errors.Add($"{name}: '{value}' is not active, standby, stopped or lease");
                }

                return;
            case "--serve-modbus":
                if (Int(value, 0, 65535, name, errors) is { } gatewayPort)
                {
                    o.ModbusGatewayPort = gatewayPort;
                }

                return;
            case "--lease-namespace":
                o.LeaseNamespace = value;
                return;
            case "--lease-name":
                o.LeaseName = value;
                return;
            case "--identity":
                o.Identity = value;
                return;
            case "--kubeconfig":
                o.Kubeconfig = value;
                return;
            case "--http-port":
                if (Int(value, 0, 65535, name, errors) is { } httpPort)
                {
                    o.HttpPort = httpPort;
                }

                return;
            case "--sequence":
                if (SequenceRegister.TryParse(value, out var sequence, out var sequenceError))
                {
                    o.Sequence = sequence;
                }
                else
                {
                    errors.Add($"{name}: {sequenceError}");
                }

                return;
            case "--stdout-jsonl":
                if (bool.TryParse(value, out var jsonl))
                {
                    o.StdoutJsonLines = jsonl;
                }
                else
                {
                    errors.Add($"{name}: '{value}' is not true or false");
                }

                return;
            case "--buffer-seconds":
                if (Int(value, 1, 86400, name, errors) is { } seconds)
                {
                    o.BufferSeconds = seconds;
                }

                return;
            case "--stale-after-ms":
                if (Int(value, 1, int.MaxValue, name, errors) is { } stale)
                {
                    o.StaleAfter = TimeSpan.FromMilliseconds(stale);
                }

                return;
            case "--request-timeout-ms":
                if (Int(value, 1, 600_000, name, errors) is { } timeout)
                {
                    o.RequestTimeout = TimeSpan.FromMilliseconds(timeout);
                }

                return;
            case "--bind":
                if (IPAddress.TryParse(value, out var address))
                {
                    o.HttpBindAddress = address;
                }
                else
                {
                    errors.Add($"{name}: '{value}' is not an IP address");
                }

                return;
            case "--publish-queue":
                if (Int(value, 1, 10_000_000, name, errors) is { } queue)
                {
                    o.PublishQueueCapacity = queue;
                }

                return;
            case "--mqtt-broker":
                if (Uri.TryCreate(value, UriKind.Absolute, out var broker) && broker.Scheme is "mqtt" or "mqtts" && broker.Host.Length > 0
                    && broker.UserInfo.Length == 0 && broker.AbsolutePath is "/" or "")
                {
                    o.MqttBroker = broker;
                }
                else
                {
                    // Never echo a value that may carry a password.
                    var shown = Uri.TryCreate(value, UriKind.Absolute, out var u) && u.UserInfo.Length > 0 ? "(a URL with credentials)" : $"'{value}'";
                    errors.Add($"{name}: {shown} is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (credentials go in --mqtt-username and --mqtt-password-file)");
                }

                return;
            case "--mqtt-topic":
                o.MqttTopic = value;
                return;
            case "--mqtt-client-id":
                o.MqttClientId = value;
                return;
            case "--mqtt-username":
                o.MqttUsername = value;
                return;
            case "--mqtt-password-file":
                o.MqttPasswordFile = value;
                return;
            case "--mqtt-ca-file":
                o.MqttCaFile = value;
                return;
            default:
                errors.Add($"{name}: unknown setting");
                return;
        }
    }

    public static bool TryParseRole(string? text, out CollectorRole role)
    {
        (var ok, role) = text?.Trim().ToLowerInvariant() switch
        {
            "active" => (true, CollectorRole.Active),
            "standby" => (true, CollectorRole.Standby),
            "stopped" => (true, CollectorRole.Stopped),
            _ => (false, CollectorRole.Stopped),
        };
        return ok;
    }

    public static string RoleName(CollectorRole role) => role.ToString().ToLowerInvariant();

    private static int? Int(string value, int min, int max, string name, List<string> errors)
    {
        if (Flag.TryParseInt(value, min, max, out var n))
        {
            return n;
        }

        errors.Add($"{name}: '{value}' is not an integer in {min}..{max}");
        return null;
    }

    private static void LoadConfig(string path, CollectorOptions options, List<string> errors)
    {
        YamlStream stream = new();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: cannot read the config: {e.Message}");
            return;
        }
        catch (YamlException e)
        {
            errors.Add($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // The YAML scanner fails this way on some malformed input; it is still bad input, not a crash.
            errors.Add($"{path}: not valid YAML: {e.Message}");
            return;
        }

        if (stream.Documents.Count == 0)
        {
            return;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var n = stream.Documents[0].RootNode;
            errors.Add($"{path}:{n.Start.Line}:{n.Start.Column}: the config must be a mapping of settings");
            return;
        }

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "?";
            var where = $"{path}:{keyNode.Start.Line}:{keyNode.Start.Column}: {key}";
            if (!ConfigKeys.Contains(key))
            {
                errors.Add($"{where}: unknown field (expected one of: {string.Join(", ", ConfigKeys)})");
                continue;
            }

            var flag = Settings.Single(s => s.Key == key).Flag;

            if (key == "reads")
            {
                if (valueNode is not YamlSequenceNode list)
                {
                    errors.Add($"{where}: expected a list of TABLE:ADDRESS:COUNT");
                    continue;
                }

                for (var i = 0; i < list.Children.Count; i++)
                {
                    var item = list.Children[i];
                    var itemWhere = $"{path}:{item.Start.Line}:{item.Start.Column}: reads[{i}]";
                    if (item is YamlScalarNode { Value: { } text })
                    {
                        Apply(options, flag, itemWhere, text, errors);
                    }
                    else
                    {
                        errors.Add($"{itemWhere}: expected TABLE:ADDRESS:COUNT");
                    }
                }

                continue;
            }

            if (valueNode is YamlScalarNode { Value: { } scalar })
            {
                Apply(options, flag, $"{path}:{valueNode.Start.Line}:{valueNode.Start.Column}: {key}", scalar, errors);
            }
            else
            {
                errors.Add($"{where}: expected a single value");
            }
        }
    }
}
