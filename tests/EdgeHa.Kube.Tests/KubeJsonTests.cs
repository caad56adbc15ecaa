using System.Text.Json;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Tests;

public sealed class KubeJsonTests
{
    [Fact]
    public void Serialize_Object_CamelCaseNullsOmittedStringEnumsWholeSecondTimes()
    {
        var condition = new Condition
        {
            Type = "Ready",
            Status = "True",
            Reason = "Up",
            LastTransitionTime = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2)),
        };

        var json = KubeJson.Serialize(condition);

        Assert.Equal("""{"type":"Ready","status":"True","lastTransitionTime":"2026-03-04T03:06:07Z","reason":"Up","message":""}""", json);
    }

    [Fact]
    public void Serialize_Enum_UsesMemberName()
    {
        Assert.Equal("""{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Orphan"}""", KubeJson.Serialize(new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan }));
    }

    [Fact]
    public void Serialize_LabelKeys_AreNotRenamed()
    {
        var meta = new ObjectMeta { Labels = new Dictionary<string, string> { ["App.Kubernetes.io/Name"] = "x" } };

        Assert.Contains("\"App.Kubernetes.io/Name\":\"x\"", KubeJson.Serialize(meta), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-02T03:04:05Z")]
    [InlineData("2026-01-02T03:04:05.123456Z")]
    [InlineData("2026-01-02T05:04:05+02:00")]
    public void Deserialize_Rfc3339Variants_AreReadAsUtcInstant(string text)
    {
        var meta = KubeJson.Deserialize<ObjectMeta>($$"""{"creationTimestamp":"{{text}}"}""");

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), meta.CreationTimestamp!.Value.AddTicks(-(meta.CreationTimestamp.Value.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(TimeSpan.Zero, meta.CreationTimestamp.Value.Offset);
    }

    [Fact]
    public void Deserialize_BadTime_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => KubeJson.Deserialize<ObjectMeta>("""{"creationTimestamp":"yesterday"}"""));
    }

    [Fact]
    public void Deserialize_JsonNull_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => KubeJson.Deserialize<Pod>("null"));
    }

    [Fact]
    public void Options_AreFrozen()
    {
        Assert.True(KubeJson.Options.IsReadOnly);
    }
}
