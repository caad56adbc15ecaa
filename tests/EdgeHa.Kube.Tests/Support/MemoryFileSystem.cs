using System.Collections.Concurrent;
using System.Text;
using EdgeHa.Kube.Config;

namespace EdgeHa.Kube.Tests.Support;

/// <summary>An in-memory <see cref="IFileSystem"/>.</summary>
public sealed class MemoryFileSystem : IFileSystem
{
    public ConcurrentDictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public MemoryFileSystem With(string path, string content)
    {
        Files[path] = content;
        return this;
    }

    public bool FileExists(string path) => Files.ContainsKey(path);

    public string ReadAllText(string path)
    {
        Reads++;
        return Files.TryGetValue(path, out var text) ? text : throw new FileNotFoundException("no such file", path);
    }

    public byte[] ReadAllBytes(string path) => Encoding.UTF8.GetBytes(ReadAllText(path));
}
