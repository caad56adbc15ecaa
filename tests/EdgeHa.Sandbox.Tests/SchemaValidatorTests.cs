using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests;

public sealed class SchemaValidatorTests
{
    private const string Schema = """
        {"type":"object","properties":{"spec":{"type":"object","required":["name"],"properties":{
          "name":{"type":"string","minLength":2,"maxLength":5,"pattern":"^[a-z]+$"},
          "count":{"type":"integer","minimum":1,"maximum":3},
          "ratio":{"type":"number","exclusiveMaximum":true,"maximum":1},
          "mode":{"type":"string","enum":["A","B"],"default":"A"},
          "port":{"x-kubernetes-int-or-string":true},
          "items":{"type":"array","maxItems":2,"items":{"type":"string"}},
          "labels":{"type":"object","additionalProperties":{"type":"string"}},
          "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
          "nested":{"type":"object","properties":{"keep":{"type":"boolean"}}},
          "maybe":{"type":"string","nullable":true}}}}}
        """;

    private static (List<FieldError> Errors, JsonObject Obj) Run(string spec)
    {
        var obj = JsonNode.Parse("""{"apiVersion":"x/v1","kind":"X","metadata":{"name":"n","labels":{"a":"b"}},"spec":""" + spec + "}")!.AsObject();
        return (SchemaValidator.Apply(obj, JsonNode.Parse(Schema)!.AsObject()), obj);
    }

    [Fact]
    public void Apply_ValidObject_DefaultsAndPrunesWithoutErrors()
    {
        var (errors, obj) = Run("""{"name":"abc","count":2,"ratio":0.5,"port":"http","items":["x"],"labels":{"k":"v"},"free":{"any":{"thing":1}},"nested":{"keep":true,"drop":1},"unknown":1,"maybe":null}""");

        Assert.Empty(errors);
        Assert.Equal("A", obj["spec"]!["mode"]!.GetValue<string>());
        Assert.Null(obj["spec"]!["unknown"]);
        Assert.Null(obj["spec"]!["nested"]!["drop"]);
        Assert.NotNull(obj["spec"]!["free"]!["any"]!["thing"]);
        Assert.Equal("b", obj["metadata"]!["labels"]!["a"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""", "spec.name: Required value")]
    [InlineData("""{"name":"a"}""", "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long")]
    [InlineData("""{"name":"abcdef"}""", "spec.name: Too long: may not be more than 5 bytes")]
    [InlineData("""{"name":"AB"}""", "spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'")]
    [InlineData("""{"name":"ab","count":0}""", "spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1")]
    [InlineData("""{"name":"ab","count":1.5}""", "spec.count: Invalid value: 1.5: spec.count in body must be of type integer: \"number\"")]
    [InlineData("""{"name":"ab","count":"2"}""", "spec.count: Invalid value: \"2\": spec.count in body must be of type integer: \"string\"")]
    [InlineData("""{"name":"ab","ratio":1}""", "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1")]
    [InlineData("""{"name":"ab","mode":"C"}""", "spec.mode: Unsupported value: \"C\": supported values: \"A\", \"B\"")]
    [InlineData("""{"name":"ab","port":true}""", "spec.port: Invalid value: true: spec.port in body must be of type integer,string: \"boolean\"")]
    [InlineData("""{"name":"ab","items":["a","b","c"]}""", "spec.items: Too many: must have at most 2 items")]
    [InlineData("""{"name":"ab","items":[1]}""", "spec.items[0]: Invalid value: 1: spec.items[0] in body must be of type string: \"integer\"")]
    [InlineData("""{"name":"ab","labels":{"k":1}}""", "spec.labels.k: Invalid value: 1: spec.labels.k in body must be of type string: \"integer\"")]
    [InlineData("""{"name":null}""", "spec.name: Invalid value: null: spec.name in body must be of type string: \"null\"")]
    public void Apply_InvalidValue_ReportsRealServerMessage(string spec, string expected)
    {
        var (errors, _) = Run(spec);

        Assert.Equal(expected, Assert.Single(errors).ToString());
    }
}

public sealed class TableConverterTests
{
    [Theory]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(150, "2m30s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData((3 * 3600) + 60, "3h1m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400, "3d")]
    [InlineData(30 * 86400, "30d")]
    public void Age_Durations_FormatLikeKubectl(int seconds, string expected)
    {
        Assert.Equal(expected, TableConverter.Age(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(".spec.a", "1")]
    [InlineData("{.spec.list[1]}", "y")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "True")]
    [InlineData(".spec.missing.deeper", null)]
    public void Evaluate_PrinterColumnPaths_ResolveValues(string path, string? expected)
    {
        var obj = JsonNode.Parse("""{"spec":{"a":1,"list":["x","y"]},"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""");
        Assert.Equal(expected, TableConverter.Evaluate(obj, path)?.ToString());
    }
}
