using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Serialization;

/// <summary>
/// metav1.Time: written in UTC with whole seconds ("2006-01-02T15:04:05Z") as the API server does;
/// read from any RFC 3339 form (fractions and offsets accepted).
/// </summary>
public sealed class KubeTimeConverter : JsonConverter<DateTimeOffset>
{
    internal const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadRfc3339(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));

    internal static DateTimeOffset ReadRfc3339(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected an RFC 3339 time string, found {reader.TokenType}.");
        }

        var text = reader.GetString()!;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new JsonException($"'{text}' is not an RFC 3339 time.");
        }

        return value;
    }
}
