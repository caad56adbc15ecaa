using EdgeHa.Controller.Informers;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Tests;

public class ObjectKeyTests
{
    [Theory]
    [InlineData("ns", "a", "ns/a")]
    [InlineData(null, "node-1", "node-1")]
    [InlineData("", "node-1", "node-1")]
    public void Of_NamespaceAndName_FormatsKey(string? ns, string name, string expected) => Assert.Equal(expected, ObjectKey.Of(ns, name));

    [Fact]
    public void Of_ObjectWithoutName_Throws() =>
        Assert.Throws<ArgumentException>(() => ObjectKey.Of(new KubernetesObject()));

    [Theory]
    [InlineData("ns/a", "ns", "a")]
    [InlineData("node-1", null, "node-1")]
    public void Split_ValidKey_ReturnsParts(string key, string? ns, string name) => Assert.Equal((ns, name), ObjectKey.Split(key));

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("/a")]
    [InlineData("a/")]
    public void Split_MalformedKey_ThrowsFormatException(string key) => Assert.Throws<FormatException>(() => ObjectKey.Split(key));
}
