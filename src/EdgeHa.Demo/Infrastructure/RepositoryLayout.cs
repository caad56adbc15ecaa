namespace EdgeHa.Demo.Infrastructure;

/// <summary>Finds the repository the demo runs from and the built programs it starts.</summary>
public sealed class RepositoryLayout(string root)
{
    public const string SolutionFile = "EdgeHaOperator.sln";

    public string Root { get; } = root;

    public string Crd => Path.Combine(Root, "crds", "edgeha.io_redundantpairs.yaml");

    public string DemoSamples => Path.Combine(Root, "config", "samples", "demo");

    /// <summary>The repository holding <paramref name="start"/> (searching upwards), or null.</summary>
    public static RepositoryLayout? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return new RepositoryLayout(dir.FullName);
            }
        }

        return null;
    }

    /// <summary>
    /// The built dll of <paramref name="project"/> (src/P/bin/&lt;configuration&gt;/net10.0/P.dll): the preferred
    /// configuration when built, else the newest build; null when it was never built.
    /// </summary>
    public string? ProgramDll(string project, string preferredConfiguration = "Release")
    {
        var candidates = new[] { preferredConfiguration, "Release", "Debug" }
            .Distinct(StringComparer.Ordinal)
            .Select(c => Path.Combine(Root, "src", project, "bin", c, "net10.0", project + ".dll"))
            .Where(File.Exists)
            .ToList();
        return candidates.FirstOrDefault();
    }
}
