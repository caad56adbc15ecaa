using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api.Tests.Schema;

public sealed class SchemaGeneratorTests
{
    public static TheoryData<string, string> Shapes => new()
    {
        { "Text", """{"description":"A string.","type":"string"}""" },
        { "Flag", """{"default":true,"description":"A flag.","type":"boolean"}""" },
        { "Count", """{"default":3,"description":"A bounded count.","format":"int32","maximum":10,"minimum":1,"type":"integer"}""" },
        { "Big", """{"description":"A big number.","format":"int64","type":"integer"}""" },
        { "When", """{"description":"A time.","format":"date-time","type":"string"}""" },
        { "Mode", """{"default":"Hot","description":"An enum.","enum":["Cold","Hot"],"type":"string"}""" },
        {
            "Template",
            """{"description":"An embedded object kept as JSON.","type":"object","x-kubernetes-embedded-resource":false,"x-kubernetes-preserve-unknown-fields":true}"""
        },
        {
            "Items",
            """
            {"description":"Named items.","items":{"description":"An item with a rule.","properties":{
              "name":{"description":"The key.","type":"string"},
              "port":{"description":"A port.","format":"int32","maximum":65535,"minimum":1,"type":"integer"}},
              "required":["name"],"type":"object",
              "x-kubernetes-validations":[{"fieldPath":".name","message":"name must not be x","rule":"self.name != 'x'"}]},
             "maxItems":4,"minItems":1,"type":"array","x-kubernetes-list-map-keys":["name"],"x-kubernetes-list-type":"map"}
            """
        },
        { "Tags", """{"description":"Plain strings.","items":{"type":"string"},"type":"array"}""" },
        { "Labels", """{"additionalProperties":{"type":"string"},"description":"A string map.","type":"object"}""" },
        { "Letters", """{"description":"A constrained string.","maxLength":5,"pattern":"^a+$","type":"string"}""" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForProperty_Shape_MapsToExpectedSchema(string property, string expectedJson)
    {
        var generator = new SchemaGenerator();

        var schema = generator.ForProperty(typeof(SchemaShapes).GetProperty(property)!);

        var actual = JsonNode.Parse(JsonSerializer.Serialize(schema));
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual),
            $"expected {JsonNode.Parse(expectedJson)!.ToJsonString()}\nactual   {actual!.ToJsonString()}");
        Assert.Empty(generator.Undocumented);
    }

    [Fact]
    public void ForProperty_NonNullableObjectNotRequired_DefaultsToEmptyObject()
    {
        var schema = new SchemaGenerator().ForProperty(typeof(SchemaShapes).GetProperty(nameof(SchemaShapes.Nested))!);

        Assert.Empty(Assert.IsAssignableFrom<IDictionary<string, object>>(schema["default"]));
    }

    [Fact]
    public void ForProperty_NullableObject_HasNoDefault()
    {
        var schema = new SchemaGenerator().ForProperty(typeof(SchemaShapes).GetProperty(nameof(SchemaShapes.Optional))!);

        Assert.False(schema.ContainsKey("default"));
        Assert.Equal("object", schema["type"]);
    }

    [Fact]
    public void ForType_Class_ListsRequiredPropertiesAndSortsKeys()
    {
        var schema = new SchemaGenerator().ForType(typeof(SchemaShapes));

        Assert.Equal(["template"], Assert.IsType<List<object>>(schema["required"]));
        var names = Assert.IsType<SortedDictionary<string, object>>(schema["properties"]).Keys.ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void ForType_FloatingPoint_Throws()
    {
        var error = Assert.Throws<NotSupportedException>(() => new SchemaGenerator().ForType(typeof(FloatShape)));

        Assert.Contains("floating point", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForType_MissingDocComments_AreReported()
    {
        var generator = new SchemaGenerator();

        generator.ForType(typeof(UndocumentedShape));

        Assert.Equal(
            [typeof(UndocumentedShape).FullName + ".Value", typeof(UndocumentedShape).FullName!],
            generator.Undocumented);
    }

    [Fact]
    public void ForProperty_Condition_UsesTheKubernetesConditionSchema()
    {
        var schema = new SchemaGenerator().ForProperty(typeof(RedundantPairStatus).GetProperty(nameof(RedundantPairStatus.Conditions))!);

        var items = Assert.IsType<SortedDictionary<string, object>>(schema["items"]);
        Assert.Equal(["lastTransitionTime", "message", "reason", "status", "type"], Assert.IsType<List<object>>(items["required"]));
        Assert.Equal(["type"], Assert.IsType<List<object>>(schema["x-kubernetes-list-map-keys"]));
    }
}
