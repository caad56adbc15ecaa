using System.Text;

namespace EdgeHa.Kubectl.Cli;

/// <summary>The help pages: an overview, and one page per command with its flags, examples and the equivalent YAML.</summary>
internal static class HelpText
{
    /// <summary>The help for <paramref name="command"/>, or the overview when null.</summary>
    public static string For(CommandKind? command) => command switch
    {
        null or CommandKind.Help or CommandKind.Version => Overview(),
        CommandKind.Status => Page(
            command.Value,
            "status [PAIR] [-n NS | -A] [-o table|json]",
            """
            Show a RedundantPair: the active node, phase and fencing epoch; each node's readiness, health,
            consecutive failed probes and message; the VIP and where it is announced; the last failover with
            its reason, nodes, detection and switch durations; the failover count, the predicted failover
            time, and every condition. Without PAIR, a table of all pairs in the namespace (-A: all namespaces).
            """,
            """
              kubectl edgeha status line1-collector
              kubectl edgeha status -A
              kubectl edgeha status line1-collector -o json
            """,
            null),
        CommandKind.Switchover => Page(
            command.Value,
            "switchover PAIR --to NODE [--force] [--wait [--timeout 60s]]",
            """
            Ask the operator to make NODE active, as a planned (graceful) switchover. Refused when NODE is not
            one of the pair's two nodes or is already active; also refused, unless --force, when the status says
            NODE is not ready or (hot standby) unhealthy, when NODE's health is unknown, or when the pair is paused.
            --force also sets the annotation edgeha.io/switchover-force: "true". --wait polls the status until
            NODE is active, the operator rejects the request, or the timeout passes.
            """,
            """
              kubectl edgeha switchover line1-collector --to ipc-b
              kubectl edgeha switchover line1-collector --to ipc-b --wait --timeout 30s
              kubectl edgeha switchover line1-collector --to ipc-b --force
            """,
            """
              spec:
                failover:
                  switchoverTo: ipc-b
              # and with --force:
              metadata:
                annotations:
                  edgeha.io/switchover-force: "true"
            """),
        CommandKind.Pause => Page(
            command.Value,
            "pause PAIR",
            "Stop all automatic action on the pair (no failover, no fail-back, no switchover) for maintenance.",
            "  kubectl edgeha pause line1-collector\n",
            "  spec:\n    paused: true\n"),
        CommandKind.Resume => Page(
            command.Value,
            "resume PAIR",
            "Re-enable automatic action on a paused pair.",
            "  kubectl edgeha resume line1-collector\n",
            "  spec:\n    paused: false\n"),
        CommandKind.Events => Page(
            command.Value,
            "events [PAIR] [-n NS | -A] [--watch]",
            """
            Show the Events (events.k8s.io/v1) about a pair and about the objects the operator made for it
            (its Deployments, their pods, its Services and Lease), oldest first. Without PAIR, the events of
            every pair in the namespace. --watch keeps printing new events until interrupted.
            """,
            """
              kubectl edgeha events line1-collector
              kubectl edgeha events line1-collector --watch
            """,
            null),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    private static string Overview()
    {
        var sb = new StringBuilder();
        sb.AppendLine("kubectl edgeha: inspect and operate Edge HA RedundantPairs (edgeha.io/v1alpha1).");
        sb.AppendLine();
        sb.AppendLine("Usage:");
        sb.AppendLine("  kubectl edgeha COMMAND [PAIR] [flags]");
        sb.AppendLine();
        sb.AppendLine("Commands:");
        sb.AppendLine("  status [PAIR]               Show a pair's active node, node health, VIP, last failover and conditions");
        sb.AppendLine("  switchover PAIR --to NODE   Ask the operator to make NODE active (spec.failover.switchoverTo)");
        sb.AppendLine("  pause PAIR                  Stop automatic action on a pair (spec.paused: true)");
        sb.AppendLine("  resume PAIR                 Re-enable automatic action on a pair (spec.paused: false)");
        sb.AppendLine("  events [PAIR]               Show the events of a pair and of the objects made for it");
        sb.AppendLine("  help [COMMAND]              Show help for a command");
        sb.AppendLine();
        AppendFlags(sb, "Global flags:", CommandLineParser.Flags.Where(f => f.Commands is null));
        sb.AppendLine();
        sb.AppendLine("switchover, pause and resume change only the pair's spec or annotations, so the same can be done by");
        sb.AppendLine("editing its YAML. Exit codes: 0 ok, 1 refused or failed, 2 usage error.");
        sb.AppendLine("Run 'kubectl edgeha COMMAND --help' for more about a command.");
        return sb.ToString();
    }

    private static string Page(CommandKind command, string usage, string description, string examples, string? yaml)
    {
        var sb = new StringBuilder();
        sb.AppendLine(description.TrimEnd());
        sb.AppendLine();
        sb.AppendLine("Usage:");
        sb.Append("  kubectl edgeha ").AppendLine(usage);
        sb.AppendLine();
        var own = CommandLineParser.Flags.Where(f => f.Commands?.Contains(command) == true).ToList();
        if (own.Count > 0)
        {
            AppendFlags(sb, "Flags:", own);
            sb.AppendLine();
        }

        AppendFlags(sb, "Global flags:", CommandLineParser.Flags.Where(f => f.Commands is null));
        sb.AppendLine();
        sb.AppendLine("Examples:");
        sb.Append(examples.TrimEnd()).AppendLine();
        if (yaml is not null)
        {
            sb.AppendLine();
            sb.AppendLine("The same change as YAML (kubectl apply, kubectl edit or GitOps):");
            sb.Append(yaml.TrimEnd()).AppendLine();
        }

        return sb.ToString();
    }

    private static void AppendFlags(StringBuilder sb, string title, IEnumerable<CommandLineParser.Flag> flags)
    {
        sb.AppendLine(title);
        foreach (var f in flags)
        {
            var name = (f.Short is { } s ? $"  -{s}, --{f.Long}" : $"      --{f.Long}") + (f.ValueName is { } v ? " " + v : "");
            sb.Append(name.PadRight(29)).Append(' ').AppendLine(f.Help);
        }
    }
}
