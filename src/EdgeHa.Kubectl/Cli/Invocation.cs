namespace EdgeHa.Kubectl.Cli;

/// <summary>A parsed command line: the command, its PAIR argument and the flags given (null = not given).</summary>
internal sealed record Invocation
{
    /// <summary>The default of <c>switchover --wait --timeout</c>.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(60);

    public required CommandKind Command { get; init; }

    public string? Pair { get; init; }

    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    /// <summary>-n/--namespace; null means the kubeconfig context's namespace.</summary>
    public string? Namespace { get; init; }

    public bool AllNamespaces { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Table;

    /// <summary>switchover --to.</summary>
    public string? To { get; init; }

    public bool Force { get; init; }

    public bool Wait { get; init; }

    public TimeSpan WaitTimeout { get; init; } = DefaultWaitTimeout;

    /// <summary>events --watch.</summary>
    public bool Watch { get; init; }
}
