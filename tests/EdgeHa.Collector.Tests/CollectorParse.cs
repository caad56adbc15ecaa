namespace EdgeHa.Collector.Tests;

/// <summary><see cref="CollectorCommandLine.Parse"/> as the tests read it: whether it parsed, the options, every error on its own line.</summary>
internal static class CollectorParse
{
    public static bool TryParse(IReadOnlyList<string> args, out CollectorOptions options, out string error, Func<string, string?>? environment = null)
    {
        var parsed = CollectorCommandLine.Parse(args, environment);
        options = parsed.Options!;
        error = string.Join(Environment.NewLine, parsed.Errors);
        return parsed.Options is not null;
    }
}
