namespace EdgeHa.Api.Tests;

/// <summary>Finds files of the repository from the test's output directory.</summary>
internal static class RepoPaths
{
    /// <summary>The directory holding EdgeHaOperator.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeHaOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"EdgeHaOperator.sln not found above {AppContext.BaseDirectory}");
    }
}
