using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeHa.Api.Tests;

/// <summary>YAML to JSON with the YAML 1.2 core schema for plain scalars (int, bool, null); quoted scalars stay strings.</summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    public static JsonNode? FromFile(string path)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(path);
        stream.Load(reader);
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Plain(string text) => text switch
    {
        "" or "null" or "~" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(text),
    };
}
