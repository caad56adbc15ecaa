namespace EdgeHa.Api.Tests;

/// <summary>A fact that is skipped, with a message saying how to install it, when a command-line tool is absent.</summary>
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string install)
    {
        if (!OnPath(tool))
        {
            Skip = $"{tool} is not installed; {install}";
        }
    }

    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
