using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Models;

/// <summary>intstr.IntOrString: a port number or a named port / percentage ("http", "25%").</summary>
[JsonConverter(typeof(IntOrStringConverter))]
public readonly record struct IntOrString
{
    public IntOrString(int value) => (Int, String) = (value, null);

    public IntOrString(string value) => (Int, String) = (null, value ?? throw new ArgumentNullException(nameof(value)));

    public int? Int { get; }

    public string? String { get; }

    public static implicit operator IntOrString(int value) => new(value);

    public static implicit operator IntOrString(string value) => new(value);

    public override string ToString() => String ?? Int?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>Reads a JSON number or string into <see cref="IntOrString"/> and writes it back the same way.</summary>
public sealed class IntOrStringConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => new IntOrString(reader.GetInt32()),
        JsonTokenType.String => new IntOrString(reader.GetString()!),
        _ => throw new JsonException($"Expected a number or a string, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.String is not null)
        {
            writer.WriteStringValue(value.String);
        }
        else
        {
            writer.WriteNumberValue(value.Int ?? 0);
        }
    }
}
