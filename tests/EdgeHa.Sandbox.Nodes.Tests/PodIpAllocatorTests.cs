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
}
