namespace EdgeHa.Sandbox.Nodes.Tests.Support;

/// <summary>Deletes a scratch directory when the test ends, pass or fail.</summary>
internal sealed class DirectoryCleanup(string path) : IDisposable
{
    public void Dispose()
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }
}
