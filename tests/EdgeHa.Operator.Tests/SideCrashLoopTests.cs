using System.Text.Json;
using EdgeHa.Fencing;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Tests;

public sealed class SideCrashLoopTests
{
    private static Pod PodWith(int restarts, object state, object? lastState = null) => new()
    {
        Metadata = new ObjectMeta { Name = "line1-node-b-00002" },
        Status = new PodStatus
        {
            Phase = "Running",
            ContainerStatuses =
            [
                new ContainerStatus
                {
                    Name = "collector",
                    RestartCount = restarts,
                    State = JsonSerializer.SerializeToElement(state),
                    Extra = lastState is null ? null : new Dictionary<string, JsonElement> { ["lastState"] = JsonSerializer.SerializeToElement(lastState) },
                },
            ],
        },
    };

    private static Pod CrashLooping(int restarts = 7) => PodWith(
        restarts,
        new { waiting = new { reason = "CrashLoopBackOff", message = "back-off 40s restarting failed container=collector" } },
        new { terminated = new { exitCode = 1, reason = "Error" } });

    private static Lease HeldBy(string pod, string restarts, string? backOff = null)
    {
        var annotations = new Dictionary<string, string> { [FencingAnnotations.CollectorRestarts] = restarts };
        if (backOff is not null)
        {
            annotations[FencingAnnotations.CollectorBackOff] = backOff;
        }

        return new Lease { Metadata = new ObjectMeta { Annotations = annotations }, Spec = new LeaseSpec { HolderIdentity = pod } };
    }

    [Fact]
    public void Of_NoPod_IsNull()
    {
        Assert.Null(SideCrashLoop.Of(null, null));
    }

    [Fact]
    public void Of_RunningContainerThatRestarted_CountsRestartsWithoutAReason()
    {
        var side = SideCrashLoop.Of(PodWith(2, new { running = new { startedAt = "2026-12-03T12:00:00Z" } }), null)!;

        Assert.Equal(2, side.Restarts);
        Assert.False(side.CrashLooping);
        Assert.Null(side.Reason);
        Assert.Equal("ok", side.Describe("ok"));
    }

    [Fact]
    public void Of_ContainerWaitingInCrashLoopBackOff_SaysExitCodeRestartsAndKubeletsBackOff()
    {
        var side = SideCrashLoop.Of(CrashLooping(), null)!;

        Assert.Equal(7, side.Restarts);
        Assert.Equal("CrashLoopBackOff", side.Reason);
        Assert.Equal("container collector exited with code 1, restarted 7 times; back-off 40s restarting failed container=collector", side.BackOff);
        Assert.Equal("CrashLoopBackOff: container collector exited with code 1, restarted 7 times; back-off 40s restarting failed container=collector; collector pod is not Ready",
            side.Describe("collector pod is not Ready"));
    }

    [Theory]
    [InlineData("ContainerCreating")]
    [InlineData("ImagePullBackOff")]
    public void Of_OtherWaitingReasons_AreNotACrashLoop(string reason)
    {
        Assert.False(SideCrashLoop.Of(PodWith(0, new { waiting = new { reason } }), null)!.CrashLooping);
    }

    [Fact]
    public void Of_AgentReportOfTheHolder_CountsItsRestartsAndBackOff()
    {
        var pod = PodWith(0, new { running = new { startedAt = "2026-12-03T12:00:00Z" } });

        var side = SideCrashLoop.Of(pod, HeldBy(pod.Metadata.Name!, "3", "back-off 8s restarting the collector (exit code 3, 4 crashes in a row)"))!;

        Assert.Equal(3, side.Restarts);
        Assert.Equal("CrashLoopBackOff", side.Reason);
        Assert.Equal("CrashLoopBackOff: edgeha-agent restarted the collector 3 times; back-off 8s restarting the collector (exit code 3, 4 crashes in a row)", side.Describe("ok"));
    }

    [Fact]
    public void Of_AgentReportOfAnotherHolder_IsNotThisPods()
    {
        var pod = PodWith(0, new { running = new { startedAt = "2026-12-03T12:00:00Z" } });

        var side = SideCrashLoop.Of(pod, HeldBy("line1-node-a-00001", "3", "back-off 8s restarting the collector (exit code 3, 4 crashes in a row)"))!;

        Assert.Equal(0, side.Restarts);
        Assert.False(side.CrashLooping);
    }

    [Fact]
    public void Of_AgentReportWithoutBackOff_CountsRestartsOnly()
    {
        var pod = PodWith(0, new { running = new { startedAt = "2026-12-03T12:00:00Z" } });

        var side = SideCrashLoop.Of(pod, HeldBy(pod.Metadata.Name!, "4"))!;

        Assert.Equal(4, side.Restarts);
        Assert.False(side.CrashLooping);
    }

    private static readonly F.ConditionValue[] StandbyDegraded =
    [
        F.ConditionValue.Of(F.ConditionTypes.Ready, true, "ActiveHoldsLease", "node-a is active and holds the lease at epoch 1"),
        F.ConditionValue.Of(F.ConditionTypes.Degraded, true, "StandbyNotEligible", "standby node-b is not eligible: collector pod is not Ready"),
    ];

    [Fact]
    public void Name_StandbyCrashLoops_DegradedReasonIsStandbyCrashLoopingNamingTheNode()
    {
        var named = SideCrashLoop.Name(StandbyDegraded, "node-a", new Dictionary<string, SideCrashLoop> { ["node-b"] = SideCrashLoop.Of(CrashLooping(), null)! });

        var degraded = named.Single(c => c.Type == F.ConditionTypes.Degraded);
        Assert.Equal("True", degraded.Status);
        Assert.Equal("StandbyCrashLooping", degraded.Reason);
        Assert.Equal("standby node-b is crash-looping: container collector exited with code 1, restarted 7 times; back-off 40s restarting failed container=collector", degraded.Message);
        Assert.Equal(StandbyDegraded[0], named.Single(c => c.Type == F.ConditionTypes.Ready));
    }

    [Fact]
    public void Name_NoCrashLoop_LeavesTheConditions()
    {
        var named = SideCrashLoop.Name(StandbyDegraded, "node-a", new Dictionary<string, SideCrashLoop> { ["node-b"] = new(2, null) });

        Assert.Equal(StandbyDegraded, named);
    }

    [Fact]
    public void Name_ActiveCrashLoopsWithNoEligibleStandby_KeepsTheEnginesReasonsAndAddsTheCrashLoop()
    {
        F.ConditionValue[] conditions =
        [
            F.ConditionValue.Of(F.ConditionTypes.Ready, false, "ActiveFailing", "collector pod on node-a is not Ready"),
            F.ConditionValue.Of(F.ConditionTypes.Degraded, true, "NoEligibleStandby", "active node-a failed; keeping node-a"),
        ];

        var named = SideCrashLoop.Name(conditions, "node-a", new Dictionary<string, SideCrashLoop> { ["node-a"] = new(5, "container collector exited with code 2, restarted 5 times") });

        Assert.Equal(["ActiveFailing", "NoEligibleStandby"], named.Select(c => c.Reason));
        Assert.Equal("collector pod on node-a is not Ready; node-a is crash-looping: container collector exited with code 2, restarted 5 times", named[0].Message);
        Assert.Equal("active node-a failed; keeping node-a; node-a is crash-looping: container collector exited with code 2, restarted 5 times", named[1].Message);
    }
}
