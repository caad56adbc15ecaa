namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class NodeIndexPoolTests
{
    [Fact]
    public void Reserve_SkipsIndexesInUseAndReleaseFreesThem()
    {
        // 240..243 are outside what the other tests of this project reserve through the pool (250+).
        var first = NodeIndexPool.Reserve(2, 240);
        var second = NodeIndexPool.Reserve(2, 240);
        try
        {
            Assert.Equal([240, 241], first);
            Assert.Equal([242, 243], second);
        }
        finally
        {
            NodeIndexPool.Release(first);
            NodeIndexPool.Release(second);
        }

        var again = NodeIndexPool.Reserve(1, 240);
        NodeIndexPool.Release(again);
        Assert.Equal([240], again);
    }
}
