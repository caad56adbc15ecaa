using System.Text.Json.Nodes;
using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class TemplateRevisionTests
{
    [Fact]
    public void Set_AddsTheVariableToEveryContainerAndKeepsTheirOtherEnv()
    {
        var pair = Pair("""[{"name":"collector","env":[{"name":"A","value":"1"}]},{"name":"sidecar"}]""");

        TemplateRevision.Set(pair, "2");

        Assert.Equal("""[{"name":"collector","env":[{"name":"A","value":"1"},{"name":"DEMO_REVISION","value":"2"}]},{"name":"sidecar","env":[{"name":"DEMO_REVISION","value":"2"}]}]""",
            pair["spec"]!["template"]!["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public void Set_Again_ReplacesTheValueInsteadOfAddingASecondEntry()
    {
        var pair = Pair("""[{"name":"collector"}]""");

        TemplateRevision.Set(pair, "2");
        TemplateRevision.Set(pair, "3");

        Assert.Equal("""[{"name":"DEMO_REVISION","value":"3"}]""", pair["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.ToJsonString());
    }

    [Fact]
    public void Set_NoContainers_ThrowsNamingTheField()
    {
        var e = Assert.Throws<FormatException>(() => TemplateRevision.Set(new JsonObject { ["spec"] = new JsonObject() }, "2"));
        Assert.Equal("the RedundantPair has no spec.template.spec.containers", e.Message);
    }

    private static JsonObject Pair(string containers) =>
        (JsonObject)JsonNode.Parse("""{"kind":"RedundantPair","spec":{"template":{"spec":{"containers":""" + containers + "}}}}")!;
}
