namespace EdgeHa.Sandbox.Nodes.Runtime;

/// <summary>
/// Maps container images to local commands, since the sandbox pulls no images. An image matches an entry by its
/// repository path with the registry host, tag and digest removed (<c>ghcr.io/acme/edgeha/collector:1.2</c> matches
/// <c>edgeha/collector</c>); a longer path matches an entry that is its suffix at a '/' boundary.
/// </summary>
public sealed class ImageMap
{
    private readonly Dictionary<string, ImageCommand> _entries = new(StringComparer.Ordinal);

    /// <summary>The mapped image names.</summary>
    public IReadOnlyCollection<string> Images => _entries.Keys;

    /// <summary>
    /// Maps <paramref name="image"/> to an entrypoint: <paramref name="fileName"/> with <paramref name="args"/>; the
    /// container's command and args are appended.
    /// </summary>
    public ImageMap Add(string image, string fileName, params string[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        _entries[Repository(image)] = new ImageCommand(fileName, args);
        return this;
    }

    /// <summary>Maps a .NET app: <c>dotnet &lt;dll&gt;</c>.</summary>
    public ImageMap AddDotnet(string image, string dllPath, params string[] args) =>
        Add(image, "dotnet", [dllPath, .. args]);

    /// <summary>Maps an image with no entrypoint (busybox-like): the container's command is run as given.</summary>
    public ImageMap AddPassthrough(string image)
    {
        _entries[Repository(image)] = new ImageCommand(null, []);
        return this;
    }

    /// <summary>
    /// Adds an entry written as <c>image=program arg1 arg2</c> (arguments split on spaces), for command-line flags;
    /// <c>image=</c> maps a passthrough image. Throws <see cref="FormatException"/> with the offending text otherwise.
    /// </summary>
    public ImageMap AddEntry(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new FormatException($"image map entry \"{entry}\" is not image=program [args...]");
        }

        var image = entry[..eq].Trim();
        var words = entry[(eq + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length == 0 ? AddPassthrough(image) : Add(image, words[0], words[1..]);
    }

    /// <summary>Finds the entry for an image reference, or null.</summary>
    public ImageCommand? Resolve(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            return null;
        }

        var repository = Repository(image);
        if (_entries.TryGetValue(repository, out var exact))
        {
            return exact;
        }

        foreach (var (key, command) in _entries)
        {
            if (repository.EndsWith("/" + key, StringComparison.Ordinal))
            {
                return command;
            }
        }

        return null;
    }

    /// <summary>The repository path of an image reference: no registry host, tag or digest ("docker.io/library/x:1" -> "library/x").</summary>
    public static string Repository(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        var name = image.Trim();
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            name = name[..at];
        }

        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            name = name[..colon];
        }

        var first = name.IndexOf('/', StringComparison.Ordinal);
        if (first > 0)
        {
            var host = name[..first];
            if (host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost")
            {
                name = name[(first + 1)..];
            }
        }

        return name.ToLowerInvariant();
    }
}

/// <summary>A mapped entrypoint; <see cref="FileName"/> null means the container's command is the program.</summary>
/// <param name="FileName">The program to run.</param>
/// <param name="Args">Its leading arguments.</param>
public sealed record ImageCommand(string? FileName, IReadOnlyList<string> Args);
