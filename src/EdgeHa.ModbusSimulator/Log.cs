namespace EdgeHa.ModbusSimulator;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Modbus simulator serving {UnitCount} unit(s) on {ModbusEndPoint}, HTTP on {HttpEndPoint}")]
    public static partial void Started(ILogger logger, int unitCount, string modbusEndPoint, string httpEndPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Modbus simulator stopped")]
    public static partial void Stopped(ILogger logger);
}
