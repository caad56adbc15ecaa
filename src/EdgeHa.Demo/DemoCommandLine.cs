using System.CommandLine;
using EdgeHa.Demo.Infrastructure;
using EdgeHa.Hosting;

namespace EdgeHa.Demo;

/// <summary>
/// The demo's command line: <c>[run]</c> (the default), <c>up</c>, <c>node crash|restore NODE</c> and <c>help</c>; every
/// flag is accepted after every command, so the scripts' shared flags (--work-dir, --configuration) fit them all.
/// </summary>
public static class DemoCommandLine
{
    /// <summary>The default work directory of <c>up</c> and <c>node</c>, shared so they find each other.</summary>
    public static string DefaultUpDirectory => Path.Combine(Path.GetTempPath(), "edgeha-demo-up");

    public static ParsedCommandLine<DemoCommand> Parse(IReadOnlyList<string> args)
    {
        var mode = Flag.Of("--mode", "hot, cold or both (default both; up: hot)", static (string text, out string value) => (value = text) is "hot" or "cold" or "both",
            "hot, cold or both").Shown("hot|cold|both");
        var workDir = Flag.Text("--work-dir", $"where the sandbox, logs and results go (up and node: default {DefaultUpDirectory})").Shown("DIR");
        var timeout = Flag.Int("--timeout-seconds", "the whole run's limit (default 240)", 10, 3600).Shown("N");
        var configuration = Flag.Text("--configuration", "the build configuration of the programs the demo starts (default Release)").Shown("Release|Debug");
        var kubeconfig = Flag.Text("--kubeconfig", "node: the kubeconfig of the running up sandbox (default: DIR/kubeconfig)").Shown("FILE");
        var broker = Flag.Of<DemoBrokerKind?>("--broker",
            $"the collectors' MQTT broker (default {DemoApp.BrokerVariable}, else embedded: MQTTnet in the demo; mosquitto: the installed one; none: no MQTT, the VIP reader only)",
            static (string text, out DemoBrokerKind? value) => (value = ParseBroker(text)) is not null, "embedded, mosquitto or none").Shown("embedded|mosquitto|none");
        foreach (var option in new Option[] { mode, workDir, timeout, configuration, kubeconfig, broker })
        {
            option.Recursive = true;
        }

        var action = new Argument<string>("ACTION").AcceptOnlyFromAmong("crash", "restore");
        var node = new Argument<string>("NODE") { Description = "the simulated node" };
        var run = new Command("run", "The whole story (the default): sandbox, two nodes, device, MQTT broker, operator; per mode a pair, a crash, failover, "
            + "restore, fail-back, an upgrade; continuity measured through the VIP and at an MQTT subscriber; a timeline and results. Exit 0 only "
            + "when the pair met its own predicted failover time and the continuity goal (1: goal missed, 3: a step failed, 2: bad arguments)");
        var up = new Command("up", "Start the sandbox with the hot pair and keep it running (until SIGTERM / Ctrl-C)");
        var nodeCommand = new Command("node", "Crash or restore a simulated node of a running `up` sandbox") { action, node };
        var root = ProgramCommandLine.Root("EdgeHa.Demo", "The Edge HA demo: a redundant pair failing over in a local sandbox", mode, workDir, timeout, configuration, kubeconfig, broker);
        root.Add(run);
        root.Add(up);
        root.Add(nodeCommand);
        root.Add(ProgramCommandLine.HelpCommand());
        return ProgramCommandLine.Parse(root, args, (result, _) =>
        {
            var chosen = result.CommandResult.Command;
            var command = chosen == up ? new DemoCommand { Kind = DemoCommandKind.Up, Mode = "hot" }
                : chosen == nodeCommand ? new DemoCommand { Kind = DemoCommandKind.Node, NodeAction = result.GetValue(action), NodeName = result.GetValue(node) }
                : new DemoCommand();
            return command with
            {
                Mode = result.GetValueOr(mode, command.Mode)!,
                WorkDirectory = result.GetValue(workDir),
                Timeout = TimeSpan.FromSeconds(result.GetValueOr(timeout, (int)command.Timeout.TotalSeconds)),
                Configuration = result.GetValueOr(configuration, command.Configuration)!,
                Kubeconfig = result.GetValue(kubeconfig),
                Broker = result.GetValue(broker),
            };
        });
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
