using System.Text.Json.Nodes;
using EdgeHa.Demo.Infrastructure;

namespace EdgeHa.Demo.Tests;

public class StatusJsonTests
{
    [Fact]
    public void Snapshot_FullStatus_ReadsEveryField()
    {
        var status = JsonNode.Parse("""
            {"phase":"Active","activeNode":"edge-b","epoch":4,"failoverCount":2,"predictedFailoverMilliseconds":3800,
             "nodes":[{"name":"edge-a","role":"Stopped","ready":false,"healthy":false},{"name":"edge-b","role":"Active","ready":true,"healthy":true}],
             "lastTransition":{"time":"2026-01-01T00:00:05.250Z","reason":"NodeNotReady","from":"edge-a","to":"edge-b","detectionMilliseconds":812,"switchMilliseconds":44}}
            """)!.AsObject();

        var s = StatusJson.Snapshot(status);

        Assert.Equal(("Active", "edge-b", 4L, 2L, 3800L), (s.Phase, s.ActiveNode, s.Epoch!.Value, s.FailoverCount!.Value, s.PredictedFailoverMs!.Value));
        Assert.Equal(2, s.Nodes.Count);
        Assert.Equal(false, s.Nodes[0].Ready);
        var t = s.LastTransition!;
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 5, 250, TimeSpan.Zero), t.Time);
        Assert.Equal(("NodeNotReady", "edge-a", "edge-b", 812L, 44L), (t.Reason, t.From, t.To, t.DetectionMs!.Value, t.SwitchMs!.Value));
    }

    [Fact]
    public void Snapshot_EmptyStatus_AllNull()
    {
        var s = StatusJson.Snapshot([]);

        Assert.Null(s.Phase);
        Assert.Null(s.LastTransition);
        Assert.Empty(s.Nodes);
    }

    [Fact]
    public void Events_BothApis_OnlyThoseAboutThePairOrItsVip()
    {
        var list = JsonNode.Parse("""
            {"items":[
              {"metadata":{"uid":"u1"},"eventTime":"2026-01-01T00:00:01.000000Z","reason":"FailoverCompleted","type":"Normal","note":"edge-b is active","regarding":{"kind":"RedundantPair","name":"demo-hot"}},
              {"metadata":{"uid":"u2"},"eventTime":"2026-01-01T00:00:02.000000Z","reason":"Other","regarding":{"name":"someone-else"}},
              {"metadata":{"uid":"u3"},"lastTimestamp":"2026-01-01T00:00:03Z","count":2,"reason":"nodeAssigned","message":"announcing from edge-b","involvedObject":{"kind":"Service","name":"demo-hot-vip"}},
              {"metadata":{"uid":"u4"},"eventTime":"2026-01-01T00:00:01.000000Z","series":{"count":3,"lastObservedTime":"2026-01-01T00:00:09.000000Z"},"reason":"NodeUnhealthy","regarding":{"name":"demo-hot"}}
            ]}
            """)!.AsObject();

        var events = StatusJson.Events(list, new HashSet<string> { "demo-hot", "demo-hot-vip" }).ToList();

        Assert.Equal(["u1/1", "u3/2", "u4/3"], events.Select(e => e.Key));
        Assert.Equal("repeated (2 times in all)", events[1].Note);
        Assert.Equal("edge-b is active", events[0].Note);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 9, TimeSpan.Zero), events[2].At);
    }

    [Fact]
    public void Lease_HolderAndRecordedSequence()
    {
        var lease = JsonNode.Parse("""{"metadata":{"annotations":{"edgeha.io/last-published-sequence":"65535"}},"spec":{"holderIdentity":"demo-hot-edge-b-abc"}}""")!.AsObject();

        Assert.Equal(new Scenario.LeaseSnapshot("demo-hot-edge-b-abc", 65535), StatusJson.Lease(lease));
        Assert.Equal(new Scenario.LeaseSnapshot(null, null), StatusJson.Lease([]));
    }

    [Theory]
    [InlineData("65536", 0)]
    [InlineData("65537", 1)]
    [InlineData("4294967301", 5)]
    public void Lease_UnwrappedRecordedSequence_GivesTheDeviceRegisterValue(string recorded, int expected)
    {
        var lease = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["edgeha.io/last-published-sequence"] = recorded } } };

        Assert.Equal(expected, StatusJson.Lease(lease).LastPublishedSequence);
    }

    [Fact]
    public void Lease_PromotionGapReport_IsReadWhenWellFormed()
    {
        var lease = JsonNode.Parse("""{"metadata":{"annotations":{"edgeha.io/promotion-gap":"epoch=3 sequences=225-225 not-read"}},"spec":{"holderIdentity":"p"}}""")!.AsObject();
        var garbled = JsonNode.Parse("""{"metadata":{"annotations":{"edgeha.io/promotion-gap":"225"}}}""")!.AsObject();

        Assert.Equal(new Fencing.PromotionGap(3, 225, 225, OlderThanBuffer: false), StatusJson.Lease(lease).PromotionGap);
        Assert.Null(StatusJson.Lease(garbled).PromotionGap);
    }
}
