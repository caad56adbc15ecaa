using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Tests;

public sealed class WatchEventTypeConverterTests
{
    [Theory]
    [InlineData(WatchEventType.Added, "ADDED")]
    [InlineData(WatchEventType.Modified, "MODIFIED")]
    [InlineData(WatchEventType.Deleted, "DELETED")]
    [InlineData(WatchEventType.Bookmark, "BOOKMARK")]
    [InlineData(WatchEventType.Error, "ERROR")]
    public void WatchEvent_Type_UsesUpperCaseWireName(WatchEventType type, string wire)
    {
        var json = KubeJson.Serialize(new WatchEvent<ConfigMap>(type, new ConfigMap { Metadata = new ObjectMeta { ResourceVersion = "5" } }));

        var expected = """{"type":"WIRE","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"5"}}}""".Replace("WIRE", wire, StringComparison.Ordinal);
        Assert.Equal(expected, json);
        Assert.Equal(type, KubeJson.Deserialize<WatchEvent<ConfigMap>>(json).Type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("EXPLODED")]
    public void TryParse_Unknown_ReturnsFalse(string? text)
    {
        Assert.False(WatchEventTypeConverter.TryParse(text, out _));
    }
}
