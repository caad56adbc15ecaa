namespace EdgeHa.Kube.Config;

/// <summary>The file reads configuration needs (kubeconfig, service account files, certificates), injectable so tests can fake them.</summary>
public interface IFileSystem
{
    bool FileExists(string path);

    string ReadAllText(string path);

    byte[] ReadAllBytes(string path);
}

/// <summary>The real file system.</summary>
public sealed class PhysicalFileSystem : IFileSystem
{
    public static PhysicalFileSystem Instance { get; } = new();

    public bool FileExists(string path) => File.Exists(path);

    public string ReadAllText(string path) => File.ReadAllText(path);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);
}
