namespace EdgeHa.Collector;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Collector polling {Device} unit {UnitId} every {IntervalMs} ms as {Role}; HTTP on {HttpEndPoint}")]
    public static partial void Started(ILogger logger, string device, byte unitId, double intervalMs, CollectorRole role, string httpEndPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Poll failed ({Kind}): {Reason}")]
    public static partial void PollFailed(ILogger logger, PollErrorKind kind, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Device answers again after {FailedPolls} failed poll(s)")]
    public static partial void PollRecovered(ILogger logger, long failedPolls);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Role changed from {Previous} to {Current}")]
    public static partial void RoleChanged(ILogger logger, CollectorRole previous, CollectorRole current);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Promoted: replayed {Count} buffered sample(s) after sequence {After}")]
    public static partial void Promoted(ILogger logger, int count, string after);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Promotion gap: {Count} sequence(s) {First}-{Last} after the previous holder's last recorded one are {Reason}: not replayed, lost unless the previous holder delivered them after its record")]
    public static partial void PromotionGap(ILogger logger, long count, long first, long last, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Not acting any more: discarded {Count} queued sample(s); the new active replays them")]
    public static partial void Discarded(ILogger logger, int count);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Stopping: {Count} queued sample(s) not acknowledged by the sinks (they stalled, or {TimeoutMs} ms passed); not recorded as published")]
    public static partial void FlushTimedOut(ILogger logger, int count, double timeoutMs);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Stopped; last published sequence {Sequence}")]
    public static partial void Stopped(ILogger logger, string sequence);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "MQTT: connected to {Broker}, publishing to {Topic}")]
    public static partial void MqttConnected(ILogger logger, string broker, string topic);

    [LoggerMessage(EventId = 11, Message = "MQTT: {Problem}")]
    public static partial void MqttProblem(ILogger logger, LogLevel level, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Unexpected error in the poll loop")]
    public static partial void LoopError(ILogger logger, Exception exception);
}
