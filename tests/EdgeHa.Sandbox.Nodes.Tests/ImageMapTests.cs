using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class ImageMapTests
{
    [Theory]
    [InlineData("edgeha/collector", "edgeha/collector")]
    [InlineData("edgeha/collector:1.2.3", "edgeha/collector")]
    [InlineData("ghcr.io/edgeha/collector:latest", "edgeha/collector")]
    [InlineData("localhost:5000/edgeha/collector@sha256:abcd", "edgeha/collector")]
    [InlineData("docker.io/library/busybox:1.36", "library/busybox")]
    [InlineData("Busybox", "busybox")]
    public void Repository_StripsRegistryTagAndDigest(string image, string expected) =>
        Assert.Equal(expected, ImageMap.Repository(image));

    [Theory]
    [InlineData("edgeha/collector:1", true)]
    [InlineData("registry.local:5000/factory/edgeha/collector:2", true)]
    [InlineData("edgeha/collector-extra", false)]
    [InlineData("other/collector", false)]
    [InlineData("", false)]
    public void Resolve_ExactOrSuffixAtSlash(string image, bool found)
    {
        var map = new ImageMap().AddDotnet("edgeha/collector", "/opt/c.dll");

        Assert.Equal(found, map.Resolve(image) is not null);
    }

    [Fact]
    public void AddEntry_ParsesProgramArgsAndPassthrough()
    {
        var map = new ImageMap().AddEntry("edgeha/collector=dotnet /opt/EdgeHa.Collector.dll --verbose").AddEntry("busybox=");

        Assert.Equal(new ImageCommand("dotnet", ["/opt/EdgeHa.Collector.dll", "--verbose"]).FileName, map.Resolve("edgeha/collector")!.FileName);
        Assert.Equal(["/opt/EdgeHa.Collector.dll", "--verbose"], map.Resolve("edgeha/collector")!.Args);
        Assert.Null(map.Resolve("busybox:1")!.FileName);
        Assert.Throws<FormatException>(() => new ImageMap().AddEntry("no-equals-sign"));
    }
}
