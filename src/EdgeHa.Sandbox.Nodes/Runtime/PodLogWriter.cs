using System.Globalization;

namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>Appends the output of a pod's containers to one file, one line per record: time, stream, container, text.</summary>
internal sealed class PodLogWriter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;

    public PodLogWriter(string path, TimeProvider time)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
        _time = time;
        Path = path;
    }

    public string Path { get; }

    public void Write(string container, string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {stream} {container}: {line}"));
            }
            catch (ObjectDisposedException)
            {
                // the pod is gone; late output is dropped
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
