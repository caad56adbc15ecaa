using EdgeHa.Sandbox.Nodes.Runtime;

namespace EdgeHa.Sandbox.Nodes.Tests;

public sealed class RestartBackoffTests
{
    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(6, 30000)]
    [InlineData(100, 30000)]
    public void Delay_DoublesUpToCap(int restarts, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RestartBackoff.Default.Delay(restarts));
}
