using EdgeHa.Operator.Reconciliation;

namespace EdgeHa.Operator.Tests;

/// <summary>The rollout planner: the standby first, a planned switchover to it once healthy, the former active last.</summary>
public sealed class CollectorRolloutTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    private static RolloutSide Old(string node) => new(node, "new", "old", "old", null);

    private static RolloutSide New(string node, string? ineligibility = null) => new(node, "new", "new", "new", ineligibility);

    private static RolloutPlan Plan(RolloutSide a, RolloutSide b, string? active = "a", string? holder = "a", bool confirmed = true, bool hot = true, TimeSpan? waited = null) =>
        CollectorRollout.Plan(active, holder, confirmed, a, b, hot, waited ?? TimeSpan.Zero, Deadline, "v2");

    [Fact]
    public void TemplateChanged_UpgradesTheStandbyFirstAndKeepsTheActiveAsItIs()
    {
        var plan = Plan(Old("a"), Old("b"));

        Assert.Equal(["a"], plan.Held);
        Assert.Null(plan.SwitchTo);
        Assert.Equal((CollectorRollout.Progressing, "upgrading the standby b first"), (plan.Status.Phase, plan.Status.Message));
    }

    [Fact]
    public void Complete_WhicheverSideIsActive_ReportsThePairsTemplateVersion()
    {
        // The node templates differ (node name, role) and so do their hashes: status names the pair's version, so a
        // fail-back after a rollout is not a second "RolloutCompleted".
        var onA = Plan(New("a"), New("b"), active: "a", holder: "a");
        var onB = Plan(New("a"), New("b"), active: "b", holder: "b");

        Assert.Equal((CollectorRollout.Complete, "v2"), (onA.Status.Phase, onA.Status.TemplateHash));
        Assert.Equal((CollectorRollout.Complete, "v2"), (onB.Status.Phase, onB.Status.TemplateHash));
    }

    [Fact]
    public void UpgradedStandbyHealthy_SwitchesOverToIt()
    {
        var plan = Plan(Old("a"), New("b"));

        Assert.Equal("b", plan.SwitchTo);
        Assert.Equal(["a"], plan.Held);
        Assert.Equal(["b"], plan.Status.UpdatedNodes);
    }

    [Fact]
    public void HotStandbyPodStillOnTheOldVersion_WaitsForTheNewPod()
    {
        var plan = Plan(Old("a"), new RolloutSide("b", "new", "new", "old", null));

        Assert.Null(plan.SwitchTo);
        Assert.Equal("waiting for the upgraded collector pod on b", plan.Status.Message);
    }

    [Fact]
    public void ColdStandby_HasNoPodToWaitFor()
    {
        var plan = Plan(Old("a"), new RolloutSide("b", "new", "new", null, null), hot: false);

        Assert.Equal("b", plan.SwitchTo);
    }

    [Fact]
    public void UpgradedStandbyNeverHealthy_StallsPastTheDeadlineWithTheOldActiveStillRunning()
    {
        var waiting = Plan(Old("a"), New("b", "probes failing (3 consecutive)"), waited: Deadline - TimeSpan.FromSeconds(1));
        var stalled = Plan(Old("a"), New("b", "probes failing (3 consecutive)"), waited: Deadline);

        Assert.Equal((CollectorRollout.Progressing, false), (waiting.Status.Phase, waiting.Stalled));
        Assert.Equal((CollectorRollout.StalledPhase, true, (string?)null), (stalled.Status.Phase, stalled.Stalled, stalled.SwitchTo));
        Assert.Equal(["a"], stalled.Held);
        Assert.Equal("no progress for 600 s waiting for b to become eligible (probes failing (3 consecutive)); a keeps running the old version", stalled.Status.Message);
    }

    [Fact]
    public void SwitchedOver_TheFormerActiveWaitsUntilTheNewActiveProvedHealthy()
    {
        var unconfirmed = Plan(Old("a"), New("b"), active: "b", holder: "b", confirmed: false);
        var confirmed = Plan(Old("a"), New("b"), active: "b", holder: "b", confirmed: true);

        Assert.Equal(["a"], unconfirmed.Held);
        Assert.Empty(confirmed.Held);
        Assert.Equal("upgrading a", confirmed.Status.Message);
    }

    [Fact]
    public void FormerActiveStillHandingOver_KeepsItsVersionUntilItLetGo()
    {
        var plan = Plan(Old("a"), New("b"), active: "b", holder: "a");

        Assert.Contains("a", plan.Held);
    }

    [Fact]
    public void BothUpgraded_Complete()
    {
        var plan = Plan(New("a"), New("b"));

        Assert.Empty(plan.Held);
        Assert.Equal((CollectorRollout.Complete, (string?)null), (plan.Status.Phase, plan.Status.Message));
        Assert.Equal(["a", "b"], plan.Status.UpdatedNodes);
    }

    [Fact]
    public void NobodyActive_HoldsNothing()
    {
        var plan = Plan(Old("a"), Old("b"), active: null, holder: null);

        Assert.Empty(plan.Held);
        Assert.Null(plan.SwitchTo);
    }
}
