using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace EdgeHa.Hosting;

/// <summary>
/// How every program reads its command line: a System.CommandLine command tree whose flags come from <see cref="Flag"/>,
/// parsed into the program's options by a bind function, with one behaviour for all: --help prints the usage and
/// exits 0; a usage error prints "error: ..." (naming the flag) to stderr and exits 2.
/// </summary>
public static class ProgramCommandLine
{
    /// <summary>The exit code of a usage error (bad flags, a bad value, a missing argument), in every program.</summary>
    public const int UsageExitCode = 2;

    private const string HelpCommandName = "help";

    // No response files: "@name" is an ordinary value (a topic, a path), as it was before System.CommandLine.
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    /// <summary>A program's root command with --help (-h); unlike RootCommand, no --version or [directives] the programs never had.</summary>
    public static Command Root(string name, string description, params Option[] options)
    {
        var root = new Command(name, description) { new HelpOption() };
        foreach (var option in options)
        {
            root.Add(option);
        }

        // The program runs after Parse, not through System.CommandLine's actions; an action of its own only tells the
        // parser that the root is complete without a subcommand.
        root.SetAction(static _ => { });
        return root;
    }

    /// <summary>A <c>help [COMMAND]</c> subcommand, as cobra programs have one: the same as <c>[COMMAND] --help</c>.</summary>
    public static Command HelpCommand() =>
        new(HelpCommandName, "Show help for a command") { new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore } };

    /// <summary>
    /// Parses <paramref name="args"/>; when they parse, <paramref name="bind"/> builds the options from the result and
    /// adds to its list what only the whole can tell (a missing setting, two that disagree).
    /// </summary>
    /// <param name="root">The program's command tree, from <see cref="Root"/>.</param>
    /// <param name="args">The command line.</param>
    /// <param name="bind">Builds the options; returns null only with an error added.</param>
    /// <param name="displayName">How users type the program when that is not the root's name ("kubectl edgeha" for a plugin).</param>
    public static ParsedCommandLine<T> Parse<T>(Command root, IReadOnlyList<string> args, Func<ParseResult, List<string>, T?> bind, string? displayName = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(bind);
        var result = root.Parse(args, Configuration);
        var command = result.CommandResult.Command;
        var path = (displayName ?? root.Name) + PathOf(result.CommandResult);
        if (result.Action is HelpAction)
        {
            return new ParsedCommandLine<T> { Result = result, Help = true, Command = command, CommandPath = path };
        }

        if (command.Name == HelpCommandName && result.CommandResult.Parent is CommandResult { Parent: null } && result.Errors.Count == 0)
        {
            var topic = result.CommandResult.Tokens.Select(t => t.Value).ToArray();
            return topic.Length == 0 || root.Subcommands.Any(c => c.Name == topic[0])
                ? Parse(root, [.. topic, "--help"], bind, displayName)
                : new ParsedCommandLine<T> { Result = result, Errors = [$"Unrecognized command '{topic[0]}'."], Command = root, CommandPath = displayName ?? root.Name };
        }

        var errors = result.Errors.Select(e => e.Message).ToList();
        errors.AddRange(UnknownFlags(result).Select(flag => $"Unrecognized command or argument '{flag}'."));
        var options = errors.Count == 0 ? bind(result, errors) : null;
        return errors.Count == 0 && options is not null
            ? new ParsedCommandLine<T> { Result = result, Options = options, Command = command, CommandPath = path }
            : new ParsedCommandLine<T> { Result = result, Errors = errors, Command = command, CommandPath = path };
    }

    /// <summary>How many tokens follow "--" (for a program whose free arguments must all come after it).</summary>
    public static int CountAfterDoubleDash(this ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return TokensAfterDoubleDash(result).Count();
    }

    /// <summary>
    /// System.CommandLine hands a token it does not know to the command's free arguments (a PAIR, an OUTPUT_DIR), unknown
    /// flags included; before "--", a token that looks like a flag is an unknown one, not a name.
    /// </summary>
    private static IEnumerable<string> UnknownFlags(ParseResult result)
    {
        var afterDoubleDash = TokensAfterDoubleDash(result).ToHashSet(ReferenceEqualityComparer.Instance);
        return result.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Where(t => t.Value is ['-', _, ..] && !afterDoubleDash.Contains(t))
            .Select(t => t.Value);
    }

    private static IEnumerable<Token> TokensAfterDoubleDash(ParseResult result) =>
        result.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).Skip(1);

    /// <summary>The subcommands' names after the root's, each with a leading space.</summary>
    private static string PathOf(CommandResult result) =>
        result.Parent is CommandResult parent ? $"{PathOf(parent)} {result.Command.Name}" : "";
}
