using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Serialization;

/// <summary>Reads and writes <see cref="WatchEventType"/> in the API's upper-case spelling.</summary>
public sealed class WatchEventTypeConverter : JsonConverter<WatchEventType>
{
    public override WatchEventType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return TryParse(text, out var type) ? type : throw new JsonException($"Unknown watch event type '{text}'.");
    }

    public override void Write(Utf8JsonWriter writer, WatchEventType value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToWire(value));

    /// <summary>ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.</summary>
    public static string ToWire(WatchEventType type) => type.ToString().ToUpperInvariant();

    /// <summary>Parses the wire spelling (case-insensitive).</summary>
    public static bool TryParse(string? text, out WatchEventType type)
    {
        type = default;
        return text is not null && !int.TryParse(text, out _) && Enum.TryParse(text, ignoreCase: true, out type) && Enum.IsDefined(type);
    }
}
