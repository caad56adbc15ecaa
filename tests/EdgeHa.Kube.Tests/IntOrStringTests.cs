using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube.Tests;

public sealed class IntOrStringTests
{
    [Theory]
    [InlineData("""{"port":8080}""", 8080, null)]
    [InlineData("""{"port":"http"}""", null, "http")]
    public void RoundTrip_NumberOrName_KeepsItsJsonKind(string json, int? number, string? name)
    {
        var action = KubeJson.Deserialize<TcpSocketAction>(json);

        Assert.Equal(number, action.Port.Int);
        Assert.Equal(name, action.Port.String);
        Assert.Equal(json, KubeJson.Serialize(action));
    }

    [Fact]
    public void Deserialize_Boolean_Throws()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => KubeJson.Deserialize<TcpSocketAction>("""{"port":true}"""));
    }
}
