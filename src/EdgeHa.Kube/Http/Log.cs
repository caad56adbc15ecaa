using Microsoft.Extensions.Logging;

namespace EdgeHa.Kube;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{Verb} {Path} -> {Code} in {ElapsedMs:F1} ms")]
    public static partial void Request(ILogger logger, string verb, string path, string code, double elapsedMs);

    [LoggerMessage(2, LogLevel.Information, "{Verb} {Path} failed ({Reason}); retry {Attempt} of {MaxRetries} in {DelayMs:F0} ms")]
    public static partial void Retrying(ILogger logger, string verb, string path, string reason, int attempt, int maxRetries, double delayMs);

    [LoggerMessage(3, LogLevel.Warning, "Watch {Path}: skipped a malformed line ({Error}): {Line}")]
    public static partial void MalformedWatchLine(ILogger logger, string path, string error, string line);

    [LoggerMessage(4, LogLevel.Debug, "Watch {Path}: stream closed ({Why}); reconnecting from resourceVersion {ResourceVersion}")]
    public static partial void WatchReconnect(ILogger logger, string path, string why, string? resourceVersion);
}
