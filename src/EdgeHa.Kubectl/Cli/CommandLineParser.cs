using EdgeHa.Hosting;

namespace EdgeHa.Kubectl.Cli;

/// <summary>
/// The plugin's command line, parsed the way kubectl users expect (cobra/pflag conventions): flags before or after
/// the command, <c>--flag value</c>, <c>--flag=value</c>, <c>-n value</c>, <c>-nvalue</c>, <c>-n=value</c>, combined
/// boolean shorthands (<c>-Aw</c>), <c>--</c> ending the flags, and the last of a repeated flag winning.
/// Errors throw <see cref="UsageException"/> with a message that says what is wrong.
/// </summary>
internal static class CommandLineParser
{
    private static readonly Dictionary<string, CommandKind> Commands = new(StringComparer.Ordinal)
    {
        ["status"] = CommandKind.Status,
        ["switchover"] = CommandKind.Switchover,
        ["pause"] = CommandKind.Pause,
        ["resume"] = CommandKind.Resume,
        ["events"] = CommandKind.Events,
        ["help"] = CommandKind.Help,
    };

    /// <summary>Every flag the plugin knows; <see cref="Flag.Commands"/> null means it is accepted by every command.</summary>
    internal static readonly Flag[] Flags =
    [
        new("kubeconfig", null, "FILE", null, "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)"),
        new("context", null, "NAME", null, "The kubeconfig context to use (default: its current-context)"),
        new("namespace", 'n', "NS", null, "The namespace (default: the namespace of the kubeconfig context)"),
        new("help", 'h', null, null, "Show help"),
        new("version", null, null, null, "Print the plugin version"),
        new("all-namespaces", 'A', null, [CommandKind.Status, CommandKind.Events], "Across all namespaces"),
        new("output", 'o', "FORMAT", [CommandKind.Status], "Output format: table (default) or json"),
        new("to", null, "NODE", [CommandKind.Switchover], "The node to make active: the pair's primaryNode or standbyNode"),
        new("force", null, null, [CommandKind.Switchover], "Request the switchover even though the target is unhealthy, not ready, or the pair is paused"),
        new("wait", null, null, [CommandKind.Switchover], "Wait until the status reports NODE as the active node"),
        new("timeout", null, "DURATION", [CommandKind.Switchover], "How long --wait waits, e.g. 30s or 2m (default 60s)"),
        new("watch", 'w', null, [CommandKind.Events], "After listing, keep printing new events until interrupted"),
    ];

    /// <summary>The name users type for a command.</summary>
    public static string NameOf(CommandKind command) => command switch
    {
        CommandKind.Status => "status",
        CommandKind.Switchover => "switchover",
        CommandKind.Pause => "pause",
        CommandKind.Resume => "resume",
        CommandKind.Events => "events",
        CommandKind.Help => "help",
        CommandKind.Version => "version",
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    /// <summary>Parses the arguments exactly as kubectl passes them to the plugin (the plugin name removed).</summary>
    public static Invocation Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<Flag, string>();
        var seen = new List<Flag>();
        var positionals = new List<string>();
        var flagsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flagsEnded || arg.Length < 2 || arg[0] != '-')
            {
                positionals.Add(arg);
            }
            else if (arg == "--")
            {
                flagsEnded = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? arg[2..] : arg[2..eq];
                var flag = Flags.FirstOrDefault(f => f.Long == name) ?? throw new UsageException($"unknown flag: --{name}");
                string value;
                if (eq >= 0)
                {
                    value = arg[(eq + 1)..];
                }
                else if (flag.TakesValue)
                {
                    value = i + 1 < args.Count ? args[++i] : throw new UsageException($"flag needs an argument: --{name}");
                }
                else
                {
                    value = "true";
                }

                Set(flag, value, values, seen);
            }
            else
            {
                // One or more shorthands: -A, -Aw, -n NS, -nNS, -n=NS.
                for (var j = 1; j < arg.Length; j++)
                {
                    var c = arg[j];
                    var flag = Flags.FirstOrDefault(f => f.Short == c) ?? throw new UsageException($"unknown shorthand flag: '{c}' in {arg}");
                    if (!flag.TakesValue)
                    {
                        if (j + 1 < arg.Length && arg[j + 1] == '=')
                        {
                            Set(flag, arg[(j + 2)..], values, seen);
                            break;
                        }

                        Set(flag, "true", values, seen);
                        continue;
                    }

                    string value;
                    if (j + 1 < arg.Length)
                    {
                        value = arg[j + 1] == '=' ? arg[(j + 2)..] : arg[(j + 1)..];
                    }
                    else
                    {
                        value = i + 1 < args.Count ? args[++i] : throw new UsageException($"flag needs an argument: '{c}' in {arg}");
                    }

                    Set(flag, value, values, seen);
                    break;
                }
            }
        }

        return Build(values, seen, positionals);
    }

    private static void Set(Flag flag, string value, Dictionary<Flag, string> values, List<Flag> seen)
    {
        if (!flag.TakesValue && value is not ("true" or "false"))
        {
            throw new UsageException($"invalid argument \"{value}\" for \"{flag.Display}\" flag: use true or false");
        }

        if (flag.TakesValue && value.Length == 0)
        {
            throw new UsageException($"invalid argument \"\" for \"{flag.Display}\" flag: must not be empty");
        }

        values[flag] = value;
        if (!seen.Contains(flag))
        {
            seen.Add(flag);
        }
    }

    private static Invocation Build(Dictionary<Flag, string> values, List<Flag> seen, List<string> positionals)
    {
        string? Value(string name) => values.FirstOrDefault(kv => kv.Key.Long == name).Value;
        bool Bool(string name) => Value(name) == "true";

        CommandKind? command = null;
        var rest = positionals;
        if (positionals.Count > 0)
        {
            command = Commands.TryGetValue(positionals[0], out var kind)
                ? kind
                : throw new UsageException($"unknown command \"{positionals[0]}\" for \"kubectl edgeha\"");
            rest = positionals.Skip(1).ToList();
        }

        if (command is null or CommandKind.Help)
        {
            if (Bool("version") && command is null)
            {
                return new Invocation { Command = CommandKind.Version };
            }

            if (command is null && !Bool("help"))
            {
                throw new UsageException("no command given");
            }

            CommandKind? topic = null;
            if (command == CommandKind.Help && rest.Count > 0)
            {
                topic = Commands.TryGetValue(rest[0], out var t) && t != CommandKind.Help
                    ? t
                    : throw new UsageException($"unknown command \"{rest[0]}\" for \"kubectl edgeha\"");
            }

            return new Invocation { Command = CommandKind.Help, HelpTopic = topic };
        }

        var cmd = command.Value;
        var name = NameOf(cmd);
        foreach (var flag in seen.Where(f => f.Commands is not null && !f.Commands.Contains(cmd)))
        {
            throw new UsageException($"unknown flag {flag.Display} for \"kubectl edgeha {name}\"", cmd);
        }

        if (Bool("help"))
        {
            return new Invocation { Command = CommandKind.Help, HelpTopic = cmd };
        }

        if (Bool("version"))
        {
            return new Invocation { Command = CommandKind.Version };
        }

        var output = Value("output") switch
        {
            null or "table" => OutputFormat.Table,
            "json" => OutputFormat.Json,
            var other => throw new UsageException($"invalid argument \"{other}\" for \"-o, --output\" flag: use table or json", cmd),
        };

        var invocation = new Invocation
        {
            Command = cmd,
            Kubeconfig = Value("kubeconfig"),
            Context = Value("context"),
            Namespace = Value("namespace"),
            AllNamespaces = Bool("all-namespaces"),
            Output = output,
            To = Value("to"),
            Force = Bool("force"),
            Wait = Bool("wait"),
            Watch = Bool("watch"),
        };

        switch (cmd)
        {
            case CommandKind.Status:
            case CommandKind.Events:
                if (rest.Count > 1)
                {
                    throw new UsageException($"{name} takes at most one PAIR name, got {rest.Count}: {Quoted(rest)}", cmd);
                }

                if (rest.Count == 1 && invocation.AllNamespaces)
                {
                    throw new UsageException("a PAIR name cannot be combined with -A, --all-namespaces", cmd);
                }

                return invocation with { Pair = rest.FirstOrDefault() };

            case CommandKind.Switchover:
                if (rest.Count == 0)
                {
                    throw new UsageException("switchover needs a PAIR name: kubectl edgeha switchover PAIR --to NODE", cmd);
                }

                if (rest.Count > 1)
                {
                    throw new UsageException($"switchover takes one PAIR name, got {rest.Count}: {Quoted(rest)}", cmd);
                }

                if (invocation.To is null)
                {
                    throw new UsageException("switchover needs --to NODE, the node to make active", cmd);
                }

                if (Value("timeout") is { } timeoutText)
                {
                    if (!invocation.Wait)
                    {
                        throw new UsageException("--timeout applies only with --wait", cmd);
                    }

                    if (!GoDuration.TryParse(timeoutText, out var timeout) || timeout <= TimeSpan.Zero)
                    {
                        throw new UsageException($"invalid argument \"{timeoutText}\" for \"--timeout\" flag: use a positive duration with a unit, e.g. 30s, 2m or 1m30s", cmd);
                    }

                    invocation = invocation with { WaitTimeout = timeout };
                }

                return invocation with { Pair = rest[0] };

            default: // pause, resume
                if (rest.Count != 1)
                {
                    throw new UsageException(rest.Count == 0
                        ? $"{name} needs a PAIR name: kubectl edgeha {name} PAIR"
                        : $"{name} takes one PAIR name, got {rest.Count}: {Quoted(rest)}", cmd);
                }

                return invocation with { Pair = rest[0] };
        }
    }

    private static string Quoted(IEnumerable<string> items) => string.Join(", ", items.Select(s => $"\"{s}\""));

    /// <summary>One flag: long name, optional shorthand, value name (null for a boolean), the commands that take it, help text.</summary>
    internal sealed record Flag(string Long, char? Short, string? ValueName, CommandKind[]? Commands, string Help)
    {
        public bool TakesValue => ValueName is not null;

        /// <summary>"-n, --namespace" or "--to", as error messages and help name it.</summary>
        public string Display => Short is { } s ? $"-{s}, --{Long}" : $"--{Long}";
    }
}
