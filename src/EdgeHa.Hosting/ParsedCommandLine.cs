using System.CommandLine;

namespace EdgeHa.Hosting;

/// <summary>A program's command line, parsed by <see cref="ProgramCommandLine.Parse"/>: its options, the usage errors, or a request for help.</summary>
/// <typeparam name="T">What the program runs with.</typeparam>
public sealed class ParsedCommandLine<T>
    where T : class
{
    /// <summary>The options; null on --help or a usage error.</summary>
    public T? Options { get; init; }

    /// <summary>Every usage error, each naming the flag (or argument) and the problem.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>True for --help (or -h).</summary>
    public bool Help { get; init; }

    /// <summary>What System.CommandLine made of the arguments (its help action prints the usage).</summary>
    public required ParseResult Result { get; init; }

    /// <summary>The (sub)command parsed, whose help --help prints and a usage error points to.</summary>
    public required Command Command { get; init; }

    /// <summary>How the user types <see cref="Command"/> ("edgeha-demo node").</summary>
    public required string CommandPath { get; init; }

    /// <summary>
    /// Null when <see cref="Options"/> are ready to run with; otherwise prints the help (stdout, exit code 0) or the
    /// errors and where to find the usage (stderr, exit code <see cref="ProgramCommandLine.UsageExitCode"/>) and
    /// returns the exit code.
    /// </summary>
    public int? Finish(TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Help)
        {
            return Result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        }

        if (Options is not null)
        {
            return null;
        }

        foreach (var error in Errors)
        {
            stderr.WriteLine($"error: {error}");
        }

        stderr.WriteLine($"Run '{CommandPath} --help' for usage.");
        return ProgramCommandLine.UsageExitCode;
    }
}
