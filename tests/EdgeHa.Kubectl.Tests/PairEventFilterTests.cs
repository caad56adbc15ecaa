using EdgeHa.Kube.Models;
using EdgeHa.Kubectl.Commands;
using EdgeHa.Kubectl.Tests.Support;

namespace EdgeHa.Kubectl.Tests;

public sealed class PairEventFilterTests
{
    [Theory]
    [InlineData("RedundantPair", "line1", "default", true)]
    [InlineData("Deployment", "line1-ipc-a", "default", true)]
    [InlineData("Deployment", "line1-ipc-b", "default", true)]
    [InlineData("Deployment", "line1-simulator", "default", true)]
    [InlineData("Pod", "line1-ipc-b-7d9c6-x2x4q", "default", true)]
    [InlineData("ReplicaSet", "line1-ipc-a-7d9c6", "default", true)]
    [InlineData("Service", "line1-vip", "default", true)]
    [InlineData("Lease", "line1-active", "default", true)]
    [InlineData("RedundantPair", "line1", "other", false)]
    [InlineData("RedundantPair", "line2", "default", false)]
    [InlineData("Deployment", "line1-ipc-c", "default", false)]
    [InlineData("Pod", "line1-other-abc", "default", false)]
    [InlineData("Service", "line1-ipc-a-x", "default", false)]
    public void Matches_OnePair_OnlyItsObjects(string kind, string name, string ns, bool expected)
    {
        var filter = new PairEventFilter([Pairs.Pair("line1", "default")], anyPair: false);

        Assert.Equal(expected, filter.Matches(EventFormatterTests.Make("e", kind, name, "R", "n", Pairs.Now, ns: ns)));
    }

    [Fact]
    public void Matches_AnyPair_PairsCreatedLater()
    {
        var filter = new PairEventFilter([], anyPair: true);

        Assert.True(filter.Matches(EventFormatterTests.Make("e", "RedundantPair", "new-one", "R", "n", Pairs.Now)));
        Assert.False(filter.Matches(EventFormatterTests.Make("e", "Deployment", "new-one-ipc-a", "R", "n", Pairs.Now)));
    }

    [Fact]
    public void Matches_RelatedToPair_Matches()
    {
        var e = EventFormatterTests.Make("e", "Node", "ipc-a", "NodeNotReady", "n", Pairs.Now);
        e.Related = new ObjectReference { Kind = "RedundantPair", Name = "line1", Namespace = "default" };

        Assert.True(new PairEventFilter([Pairs.Pair("line1", "default")], anyPair: false).Matches(e));
    }
}
