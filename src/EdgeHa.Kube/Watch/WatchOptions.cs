namespace EdgeHa.Kube;

/// <summary>Options of a watch.</summary>
public sealed record WatchOptions
{
    /// <summary>Start after this resourceVersion (normally the list's). Null = the server sends the current state as ADDED first.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Ask the server for BOOKMARK events, which advance the resume point without changes. Default true.</summary>
    public bool AllowWatchBookmarks { get; init; } = true;

    /// <summary>The server ends each watch request after this long; the client then reconnects (see <see cref="Reconnect"/>).</summary>
    public int? TimeoutSeconds { get; init; } = 300;

    /// <summary>
    /// Reconnect from the last seen resourceVersion when the server closes the stream cleanly or the connection drops.
    /// Default true; false ends the enumeration at the first close.
    /// </summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>Called with a line that is not a watch event (after it is logged and counted). The stream goes on.</summary>
    public Action<string, Exception>? OnMalformedLine { get; init; }
}
