using EdgeHa.Api;
using EdgeHa.Kube.Serialization;
using EdgeHa.Operator.Reconciliation;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Tests;

public sealed class EngineMemoryTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EveryField_SurvivesStatusAndItsJson()
    {
        var state = new F.FailoverState(
            PrimaryEligibleSince: T.AddTicks(12_340), // microsecond precision: MicroTime
            ActiveFailureNode: "edge-b",
            ActiveFailureDetectedAt: T.AddSeconds(1),
            LastHandledSwitchoverId: "gen-7",
            DegradedReason: "StandbyUnhealthy",
            FailbackWarmupSince: T.AddSeconds(2),
            ActiveConfirmedHealthy: true,
            LastFailedNode: "edge-a",
            LastFailedAt: T.AddSeconds(3));

        var status = new RedundantPairStatus { Memory = EngineMemory.ToStatus(state) };
        var read = KubeJson.Deserialize<RedundantPairStatus>(KubeJson.Serialize(status))!;

        Assert.Equal(state, EngineMemory.FromStatus(read.Memory));
    }

    [Fact]
    public void NothingToRemember_WritesNothing() =>
        Assert.Null(EngineMemory.ToStatus(F.FailoverState.Initial));

    [Fact]
    public void NoMemoryInStatus_StartsFromTheInitialState() =>
        Assert.Equal(F.FailoverState.Initial, EngineMemory.FromStatus(null));
}
