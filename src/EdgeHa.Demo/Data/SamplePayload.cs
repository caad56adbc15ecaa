using System.Buffers;
using System.Text.Json;
using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Data;

/// <summary>Reads the collector's MQTT sample message (docs/EdgeHa.Collector.md, "MQTT"): the fields the demo measures.</summary>
public static class SamplePayload
{
    /// <summary>The message as received at <paramref name="receivedAt"/>, or null when it is not a sample message.</summary>
    public static ReceivedMessage? Parse(ReadOnlySequence<byte> payload, DateTimeOffset receivedAt)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("epoch", out var epoch) || !epoch.TryGetInt64(out var e))
            {
                return null;
            }

            return new ReceivedMessage(
                Long(root, "sequence"),
                Long(root, "deviceSequence") is { } d and >= 0 and <= 0xFFFF ? (int)d : null,
                e,
                root.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null,
                receivedAt,
                Long(root, "sample"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;
}
