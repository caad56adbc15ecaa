using System.Buffers;
using System.Text;
using EdgeHa.Demo.Data;

namespace EdgeHa.Demo.Tests;

public class SamplePayloadTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 2, TimeSpan.Zero);

    private static ReadOnlySequence<byte> Bytes(string json) => new(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_TheDocumentedMessage_ReadsSequenceEpochNode()
    {
        // docs/EdgeHa.Collector.md, "MQTT".
        var message = SamplePayload.Parse(Bytes("""
            {"pair":"line-1","node":"edge-a","epoch":3,"sequence":65537,"deviceSequence":1,"sample":17,
             "timestamp":"2026-01-01T00:00:01.700Z","values":{"input:0:4":[1,0,12,27394]}}
            """), At);

        Assert.Equal(new Measurement.ReceivedMessage(65537, 1, 3, "edge-a", At, 17), message);
    }

    [Fact]
    public void Parse_NullSequence_KeepsTheMessageWithoutOne()
    {
        var message = SamplePayload.Parse(Bytes("""{"pair":null,"node":"edge-b","epoch":1,"sequence":null,"deviceSequence":null,"sample":1}"""), At);

        Assert.Equal((null, null, "edge-b"), (message!.Sequence, message.DeviceSequence, message.Node));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"node":"edge-a"}""")]
    public void Parse_NotASampleMessage_ReturnsNull(string payload)
    {
        Assert.Null(SamplePayload.Parse(Bytes(payload), At));
    }
}
