using System.CommandLine;
using EdgeHa.Hosting;

namespace EdgeHa.Kubectl.Cli;

/// <summary>
/// The plugin's command line, parsed the way kubectl users expect (cobra/pflag conventions, which System.CommandLine
/// shares): flags before or after the command, <c>--flag value</c>, <c>--flag=value</c>, <c>-n value</c>, <c>-nvalue</c>,
/// <c>-n=value</c>, combined boolean shorthands (<c>-Aw</c>), <c>--</c> ending the flags, the last of a repeated flag
/// winning. Every flag is known everywhere, so one given before its command still counts; a flag the command does not
/// take is an error naming both.
/// </summary>
internal static class CommandLineParser
{
    /// <summary>How users type the plugin (kubectl runs <c>kubectl-edgeha</c> for it).</summary>
    public const string DisplayName = "kubectl edgeha";

    private static readonly CommandKind[] Commands = [CommandKind.Status, CommandKind.Switchover, CommandKind.Pause, CommandKind.Resume, CommandKind.Events];

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

    /// <summary>The command a parsed (sub)command is, null for the plugin itself.</summary>
    public static CommandKind? KindOf(Command command) => Commands.Cast<CommandKind?>().FirstOrDefault(k => NameOf(k!.Value) == command?.Name);

    /// <summary>Parses the arguments exactly as kubectl passes them to the plugin (the plugin name removed).</summary>
    public static ParsedCommandLine<Invocation> Parse(IReadOnlyList<string> args)
    {
        var options = Flags.Where(f => f.Long != "help").ToDictionary(f => f.Long, OptionOf);
        var pairs = Commands.ToDictionary(c => c, _ => new Argument<string[]>("PAIR") { Arity = ArgumentArity.ZeroOrMore });
        var root = ProgramCommandLine.Root("kubectl-edgeha", "Inspect and operate Edge HA RedundantPairs (edgeha.io/v1alpha1)", [.. options.Values]);
        foreach (var (kind, pair) in pairs)
        {
            root.Add(new Command(NameOf(kind)) { pair });
        }

        root.Add(ProgramCommandLine.HelpCommand());
        return ProgramCommandLine.Parse(root, args, (result, errors) => Bind(result, errors, options, pairs), DisplayName);
    }

    private static Option OptionOf(Flag flag)
    {
        string[] aliases = flag.Short is { } s ? [$"-{s}"] : [];
        var name = $"--{flag.Long}";
        Option option = flag.Long switch
        {
            "output" => Hosting.Flag.Of<OutputFormat>(name, flag.Help, TryParseOutput, "table or json", aliases),
            "timeout" => Hosting.Flag.Duration(name, flag.Help, aliases),
            _ when flag.TakesValue => Hosting.Flag.Of(name, flag.Help, static (string text, out string value) => (value = text).Length > 0, "a value (it must not be empty)", aliases),
            _ => Hosting.Flag.Switch(name, flag.Help, aliases),
        };
        option.Recursive = true;
        return option;
    }

    private static bool TryParseOutput(string text, out OutputFormat format)
    {
        (var ok, format) = text switch
        {
            "table" => (true, OutputFormat.Table),
            "json" => (true, OutputFormat.Json),
            _ => (false, OutputFormat.Table),
        };
        return ok;
    }

    private static Invocation? Bind(ParseResult result, List<string> errors, Dictionary<string, Option> options, Dictionary<CommandKind, Argument<string[]>> pairs)
    {
        T Value<T>(string name) => result.GetValue((Option<T>)options[name])!;
        bool Given(string name) => result.GetResult(options[name]) is { Implicit: false };

        if (KindOf(result.CommandResult.Command) is not { } cmd)
        {
            if (Value<bool>("version"))
            {
                return new Invocation { Command = CommandKind.Version };
            }

            errors.Add("no command given");
            return null;
        }

        var name = NameOf(cmd);
        foreach (var flag in Flags.Where(f => f.Commands is not null && !f.Commands.Contains(cmd) && Given(f.Long)))
        {
            errors.Add($"unknown flag {flag.Display} for \"{DisplayName} {name}\"");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        if (Value<bool>("version"))
        {
            return new Invocation { Command = CommandKind.Version };
        }

        var invocation = new Invocation
        {
            Command = cmd,
            Kubeconfig = Value<string>("kubeconfig"),
            Context = Value<string>("context"),
            Namespace = Value<string>("namespace"),
            AllNamespaces = Value<bool>("all-namespaces"),
            Output = Value<OutputFormat>("output"),
            To = Value<string>("to"),
            Force = Value<bool>("force"),
            Wait = Value<bool>("wait"),
            WaitTimeout = Given("timeout") ? Value<TimeSpan>("timeout") : Invocation.DefaultWaitTimeout,
            Watch = Value<bool>("watch"),
        };
        var rest = result.GetValue(pairs[cmd]) ?? [];
        var error = cmd switch
        {
            CommandKind.Status or CommandKind.Events when rest.Length > 1 => $"{name} takes at most one PAIR name, got {rest.Length}: {Quoted(rest)}",
            CommandKind.Status or CommandKind.Events when rest.Length == 1 && invocation.AllNamespaces => "a PAIR name cannot be combined with -A, --all-namespaces",
            CommandKind.Status or CommandKind.Events => null,
            CommandKind.Switchover when rest.Length == 0 => $"switchover needs a PAIR name: {DisplayName} switchover PAIR --to NODE",
            CommandKind.Switchover when rest.Length > 1 => $"switchover takes one PAIR name, got {rest.Length}: {Quoted(rest)}",
            CommandKind.Switchover when invocation.To is null => "switchover needs --to NODE, the node to make active",
            CommandKind.Switchover when Given("timeout") && !invocation.Wait => "--timeout applies only with --wait",
            CommandKind.Switchover => null,
            _ when rest.Length == 0 => $"{name} needs a PAIR name: {DisplayName} {name} PAIR", // pause, resume
            _ when rest.Length > 1 => $"{name} takes one PAIR name, got {rest.Length}: {Quoted(rest)}",
            _ => null,
        };
        if (error is not null)
        {
            errors.Add(error);
            return null;
        }

        return invocation with { Pair = rest.FirstOrDefault() };
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
