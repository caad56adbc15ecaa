using System.Text.Json;
using EdgeHa.Modbus;

namespace EdgeHa.Collector.Tests;

public sealed class MqttSampleSinkPayloadTests
{
    [Fact]
    public void ToPayload_Sample_CarriesPairNodeEpochUnwrappedSequenceTimestampAndValues()
    {
        var sample = new Sample(
            17,
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
            1,
            3,
            [new BlockValues(new ReadBlock(ModbusTable.InputRegisters, 0, 2), [1, 2], null), new BlockValues(new ReadBlock(ModbusTable.Coils, 0, 2), null, [true, false])],
            65537);

        var json = System.Text.Encoding.UTF8.GetString(MqttSampleSink.ToPayload(sample, "line-1", "edge-a"));

        Assert.Equal("""{"pair":"line-1","node":"edge-a","epoch":3,"sequence":65537,"deviceSequence":1,"sample":17,"timestamp":"2026-01-02T03:04:05.678Z","values":{"input:0:2":[1,2],"coil:0:2":[true,false]}}""", json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(65537, doc.RootElement.GetProperty("sequence").GetInt64());
    }
}
