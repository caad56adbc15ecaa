namespace EdgeHa.Sandbox.Nodes.Tests.Support;

/// <summary>A fact that is skipped, with the install hint, when the program it needs is absent (CI installs it).</summary>
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string path, string install)
    {
        if (!File.Exists(path))
        {
            Skip = $"{path} is not installed; {install}";
        }
    }
}
