using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests;

public sealed class LabelSelectorTests
{
    private static readonly JsonObject Obj = JsonNode.Parse("""{"metadata":{"labels":{"app":"web","tier":"fe"}}}""")!.AsObject();

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("missing notin (a)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier in (fe),!missing", true)]
    [InlineData("app=web,tier=be", false)]
    public void Matches_Expressions_AsApiServer(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Obj));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("a b=c")]
    [InlineData("app=web,")]
    public void Parse_Malformed_Throws400(string selector)
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => LabelSelector.Parse(selector)).Code);
    }
}

public sealed class FieldSelectorTests
{
    private static readonly ResourceType Pods = new ResourceRegistry().Find("", "v1", "pods")!;

    [Theory]
    [InlineData("metadata.name=p", true)]
    [InlineData("metadata.name==p", true)]
    [InlineData("metadata.name!=p", false)]
    [InlineData("metadata.namespace=ns,spec.nodeName=n1", true)]
    [InlineData("spec.nodeName=n2", false)]
    [InlineData("spec.nodeName=", false)]
    public void Matches_PodFieldLabels(string selector, bool expected)
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"p","namespace":"ns"},"spec":{"nodeName":"n1"}}""")!.AsObject();
        Assert.Equal(expected, FieldSelector.Parse(selector, Pods).Matches(pod));
    }

    [Fact]
    public void Matches_EmptyValueSelector_MatchesUnscheduledPod()
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"p"},"spec":{}}""")!.AsObject();
        Assert.True(FieldSelector.Parse("spec.nodeName=", Pods).Matches(pod));
    }

    [Fact]
    public void Parse_UnsupportedLabel_Throws400()
    {
        Assert.Equal("field label not supported: spec.foo", Assert.Throws<ApiException>(() => FieldSelector.Parse("spec.foo=x", Pods)).Message);
    }
}
