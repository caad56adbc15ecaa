using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests;

public sealed class MergePatchTests
{
    [Theory]
    [InlineData("""{"a":1,"b":{"c":2}}""", """{"b":{"c":null,"d":3}}""", """{"a":1,"b":{"d":3}}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[3]}""", """{"a":[3]}""")]
    [InlineData("""{"a":1}""", """{"a":null}""", "{}")]
    [InlineData("""{"a":{"b":1}}""", """{"a":"x"}""", """{"a":"x"}""")]
    public void Apply_Rfc7386Cases_ProducesExpectedDocument(string target, string patch, string expected)
    {
        Assert.Equal(expected, MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!.ToJsonString());
    }
}

public sealed class JsonPatchTests
{
    [Theory]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/1","value":9}]""", """{"a":[1,9,2]}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":2}]""", """{"a":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/a","path":"/b"}]""", """{"b":1}""")]
    [InlineData("""{"a":{"x":1}}""", """[{"op":"copy","from":"/a","path":"/b"}]""", """{"a":{"x":1},"b":{"x":1}}""")]
    [InlineData("""{"m":{"a/b":1,"c~d":2}}""", """[{"op":"remove","path":"/m/a~1b"},{"op":"replace","path":"/m/c~0d","value":3}]""", """{"m":{"c~d":3}}""")]
    [InlineData("""{"a":"x"}""", """[{"op":"test","path":"/a","value":"x"},{"op":"add","path":"/b","value":true}]""", """{"a":"x","b":true}""")]
    public void Apply_Rfc6902Operations_ProduceExpectedDocument(string target, string patch, string expected)
    {
        Assert.Equal(expected, JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(patch)).ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""", 422)]
    [InlineData("""[{"op":"remove","path":"/missing"}]""", 422)]
    [InlineData("""[{"op":"explode","path":"/a"}]""", 400)]
    [InlineData("""{"op":"add"}""", 400)]
    public void Apply_FailingOrMalformed_ThrowsWithCode(string patch, int code)
    {
        var e = Assert.Throws<ApiException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!, JsonNode.Parse(patch)));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Apply_FailureMidway_LeavesTargetUntouched()
    {
        var target = JsonNode.Parse("""{"a":1}""")!;
        Assert.Throws<ApiException>(() => JsonPatch.Apply(target, JsonNode.Parse("""[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":5}]""")));
        Assert.Equal("""{"a":1}""", target.ToJsonString());
    }
}

public sealed class StrategicMergePatchTests
{
    [Theory]
    [InlineData(
        """{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}]}""",
        """{"containers":[{"name":"b","image":"2"},{"name":"c","image":"1"}]}""",
        """{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"},{"name":"c","image":"1"}]}""")]
    [InlineData(
        """{"containers":[{"name":"a"},{"name":"b"}]}""",
        """{"containers":[{"name":"a","$patch":"delete"}]}""",
        """{"containers":[{"name":"b"}]}""")]
    [InlineData(
        """{"ports":[{"containerPort":80,"name":"http"}]}""",
        """{"ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":81}]}""",
        """{"ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":81}]}""")]
    [InlineData(
        """{"conditions":[{"type":"Ready","status":"False"},{"type":"X","status":"True"}]}""",
        """{"conditions":[{"type":"Ready","status":"True"}]}""",
        """{"conditions":[{"type":"Ready","status":"True"},{"type":"X","status":"True"}]}""")]
    [InlineData(
        """{"args":["a","b"]}""",
        """{"args":["c"]}""",
        """{"args":["c"]}""")]
    [InlineData(
        """{"metadata":{"finalizers":["a"]}}""",
        """{"metadata":{"finalizers":["b"]}}""",
        """{"metadata":{"finalizers":["a","b"]}}""")]
    [InlineData(
        """{"metadata":{"finalizers":["a","b"]}}""",
        """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""",
        """{"metadata":{"finalizers":["b"]}}""")]
    [InlineData(
        """{"spec":{"a":1,"b":2}}""",
        """{"spec":{"$patch":"replace","c":3}}""",
        """{"spec":{"c":3}}""")]
    [InlineData(
        """{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}""",
        """{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}""",
        """{"strategy":{"type":"Recreate"}}""")]
    [InlineData(
        """{"containers":[{"name":"a","env":[{"name":"X","value":"1"}]}]}""",
        """{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"name":"a","env":[{"name":"Y","value":"2"}]}]}""",
        """{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}""")]
    [InlineData("""{"a":1,"b":2}""", """{"a":null}""", """{"b":2}""")]
    public void Apply_KubectlStylePatches_MergeByKey(string target, string patch, string expected)
    {
        Assert.Equal(expected, StrategicMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!.ToJsonString());
    }
}
