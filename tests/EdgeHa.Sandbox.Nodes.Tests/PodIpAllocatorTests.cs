namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class PodIpAllocatorTests
{
    [Fact]
    public void Allocate_DistinctPerPod_StablePerUid_PreferredKeptWhenFree()
    {
        var ips = new PodIpAllocator(7);

        Assert.Equal("127.77.7.1", ips.HostIP);
        Assert.Equal("127.77.7.2", ips.Allocate("a", null));
        Assert.Equal("127.77.7.3", ips.Allocate("b", null));
        Assert.Equal("127.77.7.2", ips.Allocate("a", null));
        Assert.Equal("127.77.7.9", ips.Allocate("c", "127.77.7.9"));
        Assert.Equal("127.77.7.4", ips.Allocate("d", "127.77.7.9"));
        Assert.Equal("127.77.7.5", ips.Allocate("e", "127.77.8.9"));
        ips.Release("a");
        Assert.Equal("127.77.7.2", ips.Allocate("f", null));
    }

    [Fact]
    public void Allocate_WithAddressPrefix_UsesThatNetworkAndKeepsOnlyItsOwnPreferred()
    {
        var ips = new PodIpAllocator("10.214.1.");

        Assert.Equal("10.214.1.1", ips.HostIP);
        Assert.Equal("10.214.1.2", ips.Allocate("a", null));
        Assert.Equal("10.214.1.7", ips.Allocate("b", "10.214.1.7"));
        Assert.Equal("10.214.1.3", ips.Allocate("c", "127.77.1.7"));
    }

    [Theory]
    [InlineData("10.214.1")]
    [InlineData("10.214.1.2")]
    [InlineData("10.214.")]
    [InlineData("10.256.1.")]
    [InlineData("a.b.c.")]
    public void SimulatedNodeOptions_BadAddressPrefix_Throws(string prefix)
    {
        var options = new SimulatedNodeOptions { AddressPrefix = prefix };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
