using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeHa.Kube.IntegrationTests.Support;

/// <summary>Files of the repository (found by walking up to EdgeHaOperator.sln) and YAML to JSON.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The first document of a YAML file as JSON (YAML 1.2 core schema for plain scalars).</summary>
    public static JsonObject YamlAsJson(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(Path.Combine(Root, relativePath));
        stream.Load(reader);
        return Convert(stream.Documents[0].RootNode)!.AsObject();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeHaOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeHaOperator.sln not found above " + AppContext.BaseDirectory);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonNode? Plain(string text) => text switch
    {
        "" or "null" or "~" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && text.Contains('.', StringComparison.Ordinal) => JsonValue.Create(real),
        _ => JsonValue.Create(text),
    };
}
