namespace EdgeHa.Operator.Reconciliation;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: {Action} {Kind} {Name}")]
    public static partial void Wrote(ILogger logger, string pair, string action, string kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pair {Pair}: the spec is invalid: {Message}")]
    public static partial void InvalidSpec(ILogger logger, string pair, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: granted the lease to {Pod} on {Node} at epoch {Epoch}")]
    public static partial void Granted(ILogger logger, string pair, string pod, string node, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: asked {Holder} to hand the lease over to {Target}")]
    public static partial void HandoverRequested(ILogger logger, string pair, string holder, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: {Kind} {From} -> {To} ({Reason}), detection {DetectionMs} ms")]
    public static partial void Promoted(ILogger logger, string pair, string kind, string? from, string to, string reason, double detectionMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: {Node} confirmed the lease; switch took {SwitchMs} ms")]
    public static partial void SwitchCompleted(ILogger logger, string pair, string node, long switchMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: finalizing (deleting what the operator created)")]
    public static partial void Finalizing(ILogger logger, string pair);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pair {Pair}: phase {Phase}, active {Active}, lease {LeaseAction}; decided after {DecidedMs:0.0} ms, fenced after {FencedMs:0.0} ms, done after {TotalMs:0.0} ms")]
    public static partial void Reconciled(ILogger logger, string pair, string phase, string? active, string leaseAction, double decidedMs, double fencedMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pair {Pair}: {Reason}: {Message}")]
    public static partial void EngineEvent(ILogger logger, string pair, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pair {Pair}: {Message}")]
    public static partial void CollectorAccessNotOurs(ILogger logger, string pair, string message);
}
