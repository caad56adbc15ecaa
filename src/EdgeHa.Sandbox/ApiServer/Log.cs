namespace EdgeHa.Sandbox.ApiServer;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sandbox API server listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unexpected error serving {Method} {Path}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Code}")]
    public static partial void Served(ILogger logger, string method, string path, int code);
}
