namespace EdgeHa.Demo.Tests;

/// <summary>
/// A fact that needs the real pieces the demo composes, built: the collector, the device simulator and the operator
/// (the test project builds them through its reference to the demo). Skipped, with the reason, when one is missing.
/// </summary>
public sealed class DemoPiecesFactAttribute : FactAttribute
{
    public DemoPiecesFactAttribute()
    {
        if (MissingPieces() is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>The configuration the tests were built in (the programs are looked up in the same one first).</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string? MissingPieces()
    {
        var layout = RepoFiles.Layout;
        var missing = new[] { "EdgeHa.Collector", "EdgeHa.ModbusSimulator", "EdgeHa.Operator" }
            .Where(p => layout.ProgramDll(p, Configuration) is null)
            .ToList();
        return missing.Count > 0 ? $"needs {string.Join(", ", missing)} built (dotnet build src/EdgeHa.Demo)" : null;
    }
}
