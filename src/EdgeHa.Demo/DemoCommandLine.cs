using System.Globalization;
using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo;

/// <summary>Parses the demo's command line.</summary>
public static class DemoCommandLine
{
    public const string Usage = """
        usage:
          EdgeHa.Demo [run] [--mode hot|cold|both] [--work-dir DIR] [--timeout-seconds N] [--configuration Release|Debug]
                        [--broker embedded|mosquitto|none]
              the whole story: sandbox, two nodes, device, MQTT broker, operator; per mode a pair, a crash, failover,
              restore, fail-back, an upgrade; continuity measured through the VIP and at an MQTT subscriber; a timeline
              and results; exit 0 only when the pair met its own predicted failover time and the continuity goal
              (1: goal missed, 3: a step failed, 2: bad arguments)
              --broker: the collectors' MQTT broker (default EDGEHA_DEMO_BROKER, else embedded: MQTTnet in the demo;
              mosquitto: the installed one; none: no MQTT, the VIP reader only)
          EdgeHa.Demo up [--work-dir DIR] [--broker embedded|mosquitto|none]
              start the sandbox with the hot pair and keep it running (until SIGTERM / Ctrl-C)
          EdgeHa.Demo node crash|restore NODE [--work-dir DIR | --kubeconfig FILE]
              crash or restore a simulated node of a running `up` sandbox

        """;

    /// <summary>The default work directory of <c>up</c> and <c>node</c>, shared so they find each other.</summary>
    public static string DefaultUpDirectory => Path.Combine(Path.GetTempPath(), "edgeha-demo-up");

    public static (DemoCommand? Command, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = new DemoCommand();
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            switch (args[0])
            {
                case "run":
                    command = command with { Kind = DemoCommandKind.Run };
                    i = 1;
                    break;
                case "up":
                    command = command with { Kind = DemoCommandKind.Up, Mode = "hot" };
                    i = 1;
                    break;
                case "node":
                    if (args.Count < 3 || args[1] is not ("crash" or "restore"))
                    {
                        return (null, "usage: node crash|restore NODE");
                    }

                    command = command with { Kind = DemoCommandKind.Node, NodeAction = args[1], NodeName = args[2] };
                    i = 3;
                    break;
                case "help":
                    return (command with { Kind = DemoCommandKind.Help }, null);
                default:
                    return (null, $"unknown command '{args[0]}'");
            }
        }

        for (; i < args.Count; i++)
        {
            var arg = args[i];
            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (arg is "-h" or "--help")
            {
                return (command with { Kind = DemoCommandKind.Help }, null);
            }

            if (arg is not ("--mode" or "--work-dir" or "--timeout-seconds" or "--configuration" or "--kubeconfig" or "--broker"))
            {
                return (null, $"unknown argument '{args[i]}'");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return (null, $"{arg} needs a value");
                }

                value = args[++i];
            }

            switch (arg)
            {
                case "--mode":
                    if (value is not ("hot" or "cold" or "both"))
                    {
                        return (null, $"--mode: '{value}' is not hot, cold or both");
                    }

                    command = command with { Mode = value };
                    break;
                case "--work-dir":
                    command = command with { WorkDirectory = value };
                    break;
                case "--timeout-seconds":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 10 or > 3600)
                    {
                        return (null, $"--timeout-seconds: '{value}' is not 10..3600");
                    }

                    command = command with { Timeout = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--broker":
                    if (ParseBroker(value) is not { } broker)
                    {
                        return (null, $"--broker: '{value}' is not embedded, mosquitto or none");
                    }

                    command = command with { Broker = broker };
                    break;
                case "--configuration":
                    command = command with { Configuration = value };
                    break;
                default:
                    command = command with { Kubeconfig = value };
                    break;
            }
        }

        return (command, null);
    }

    /// <summary>The broker kind a --broker value or EDGEHA_DEMO_BROKER names, or null.</summary>
    public static DemoBrokerKind? ParseBroker(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "embedded" => DemoBrokerKind.Embedded,
        "mosquitto" => DemoBrokerKind.Mosquitto,
        "none" => DemoBrokerKind.None,
        _ => null,
    };
}
