using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeHa.Kube.Serialization;

/// <summary>
/// The one JSON configuration for the Kubernetes API: camelCase names, nulls omitted, enums as strings,
/// metav1.Time as RFC 3339 with whole seconds ("2006-01-02T15:04:05Z"). Properties that hold a
/// metav1.MicroTime carry <see cref="MicroTimeConverter"/>.
/// </summary>
public static class KubeJson
{
    /// <summary>The shared options. Frozen: do not mutate; copy with <c>new JsonSerializerOptions(KubeJson.Options)</c>.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes a value with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Deserializes a value with <see cref="Options"/>; throws <see cref="JsonException"/> on bad input or a JSON null.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"JSON null where a {typeof(T).Name} was expected.");

    /// <summary>Deserializes a value with <see cref="Options"/>; throws <see cref="JsonException"/> on bad input or a JSON null.</summary>
    public static T Deserialize<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new JsonException($"JSON null where a {typeof(T).Name} was expected.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null, // label and annotation keys are data, never renamed
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            WriteIndented = false,
        };
        options.Converters.Add(new WatchEventTypeConverter()); // before the general enum converter, which would win over the type's attribute
        options.Converters.Add(new JsonStringEnumConverter()); // enum member names are already the API's spelling
        options.Converters.Add(new KubeTimeConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
