using System.Net;
using EdgeHa.Operator.Hosting;

namespace EdgeHa.Operator.Tests;

public sealed class BindAddressTests
{
    [Theory]
    [InlineData(":8081", "0.0.0.0", 8081)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::1]:8080", "::1", 8080)]
    [InlineData("localhost:9000", "127.0.0.1", 9000)]
    public void TryParse_Address_ReturnsEndpoint(string text, string address, int port)
    {
        Assert.True(BindAddress.TryParse(text, out var endpoint));
        Assert.Equal(IPAddress.Parse(address), endpoint!.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Fact]
    public void TryParse_Zero_MeansDisabled()
    {
        Assert.True(BindAddress.TryParse("0", out var endpoint));
        Assert.Null(endpoint);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData(":http")]
    [InlineData("host.example:80")]
    [InlineData(":70000")]
    [InlineData("")]
    public void TryParse_Invalid_ReturnsFalse(string text) => Assert.False(BindAddress.TryParse(text, out _));
}
