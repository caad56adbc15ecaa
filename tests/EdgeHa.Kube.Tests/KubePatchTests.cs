using System.Text.Json.Nodes;

namespace EdgeHa.Kube.Tests;

public sealed class KubePatchTests
{
    [Fact]
    public void Merge_AnonymousObject_SerializesCamelCaseWithoutNulls()
    {
        var patch = KubePatch.Merge(new { Metadata = new { Labels = new Dictionary<string, string> { ["role"] = "active" } }, Spec = (object?)null });

        Assert.Equal("""{"metadata":{"labels":{"role":"active"}}}""", patch.Content);
        Assert.Equal("application/merge-patch+json", patch.ContentType);
    }

    [Fact]
    public void Merge_JsonNodeWithNull_KeepsTheNullToDeleteAField()
    {
        var patch = KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["a"] = null } } });

        Assert.Equal("""{"metadata":{"annotations":{"a":null}}}""", patch.Content);
    }

    [Fact]
    public void Json_Operations_SerializeAsRfc6902()
    {
        var patch = KubePatch.Json(
            new JsonPatchOperation("test", "/metadata/resourceVersion", "5"),
            new JsonPatchOperation("replace", "/spec/replicas", 0),
            new JsonPatchOperation("remove", $"/metadata/labels/{JsonPatchOperation.Escape("edgeha.io/role")}"));

        Assert.Equal("""[{"op":"test","path":"/metadata/resourceVersion","value":"5"},{"op":"replace","path":"/spec/replicas","value":0},{"op":"remove","path":"/metadata/labels/edgeha.io~1role"}]""", patch.Content);
        Assert.Equal("application/json-patch+json", patch.ContentType);
    }

    [Fact]
    public void StrategicMerge_HasItsContentType()
    {
        Assert.Equal("application/strategic-merge-patch+json", KubePatch.StrategicMerge("{}").ContentType);
    }
}
