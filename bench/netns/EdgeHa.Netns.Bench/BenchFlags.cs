namespace EdgeHa.Netns.Bench;

/// <summary>"--name value" pairs of the command line; a missing required flag is a <see cref="BenchUsageException"/>.</summary>
internal sealed class BenchFlags
{
    private readonly Dictionary<string, string> _values;

    private BenchFlags(Dictionary<string, string> values) => _values = values;

    /// <summary>Null when an argument is not a "--flag value" pair.</summary>
    public static BenchFlags? Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var flag = e.Current;
            if (!flag.StartsWith("--", StringComparison.Ordinal) || !e.MoveNext())
            {
                return null;
            }

            values[flag[2..]] = e.Current;
        }

        return new BenchFlags(values);
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new BenchUsageException($"--{name} is required");

    public string? Optional(string name) => _values.GetValueOrDefault(name);
}
