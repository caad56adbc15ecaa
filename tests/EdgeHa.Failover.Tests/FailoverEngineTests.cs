using static EdgeHa.Failover.Tests.Pair;

namespace EdgeHa.Failover.Tests;

public sealed class FailoverEngineTests
{
    private static Decision Decide(PairObservation o, FailoverPolicy? policy = null, DateTimeOffset? at = null) =>
        FailoverEngine.Decide(o, policy ?? Hot, at ?? Now);

    // ------------------------------------------------------------------ detection

    public static TheoryData<string, Func<PairObservation, PairObservation>, string> ActiveFailures => new()
    {
        { "probes failed", o => o.WithPrimary(s => s.WithHealth(Failing)), "ProbeFailed" },
        { "node NotReady", o => o.WithPrimary(s => s.WithNode(n => n with { Ready = false, ReadyTransitionTime = Now.AddSeconds(-1) })), "NodeNotReady" },
        { "node gone", o => o.WithPrimary(s => s.WithNode(n => n with { Exists = false })), "NodeGone" },
        { "node lease stale", o => o.WithPrimary(s => s.WithNode(n => n with { LeaseRenewTime = Now.AddSeconds(-15) })), "NodeLeaseStale" },
        { "pod gone", o => o.WithPrimary(s => s with { Pod = PodObservation.Missing }), "PodGone" },
        { "pod not ready", o => o.WithPrimary(s => s.WithPod(p => p with { Ready = false })), "PodNotReady" },
        { "device stale from active only", o => o.WithPrimary(s => s with { Device = DeviceReachability.Unreachable, DeviceSince = Now.AddSeconds(-1) }), "DeviceUnreachableFromActive" },
        { "lease renewals stale", o => o with { Lease = o.Lease with { RenewTime = Now.AddMilliseconds(-3500) } }, "LeaseRenewalStale" },
    };

    [Fact]
    public void Decide_ActiveRenewalsJustCurrent_NoFailure()
    {
        var d = Decide(Steady() with { Lease = Steady().Lease with { RenewTime = Now.AddMilliseconds(-3499) } });

        Assert.False(d.IsPromotion);
        Assert.Equal(PairPhase.Active, d.Phase);
    }

    [Theory]
    [MemberData(nameof(ActiveFailures))]
    public void Decide_ActiveFailsWithHealthyStandby_PromotesStandby(string name, Func<PairObservation, PairObservation> fault, string reason)
    {
        var d = Decide(fault(Steady()));

        Assert.True(d.IsPromotion, name);
        Assert.Equal("b", d.ActiveNode);
        Assert.Equal(5, d.Epoch);
        Assert.Equal(3, d.FailoverCount);
        Assert.Equal(TransitionKind.Failover, d.Transition!.Kind);
        Assert.Equal(reason, d.Transition.Reason);
        Assert.Equal("a", d.Transition.From);
        Assert.Equal("b", d.Transition.To);
        Assert.Equal(NodeRole.Active, d.Roles["b"]);
        Assert.Equal(NodeRole.Standby, d.Roles["a"]);
        Assert.Equal(PairPhase.FailingOver, d.Phase);
        Assert.Contains(d.Events, e => e.Reason == "FailoverStarted" && e.Warning);
        Assert.Equal(ConditionValue.True, d.Condition(ConditionTypes.FailoverInProgress).Status);
    }

    [Fact]
    public void Decide_ProbeFailure_DetectionMeasuredFromFirstFailedProbe()
    {
        var d = Decide(Steady().WithPrimary(s => s.WithHealth(Failing)));

        Assert.Equal(TimeSpan.FromSeconds(6), d.Transition!.Detection); // first failed probe sent 6 s ago
    }

    [Fact]
    public void Decide_TwoFailuresBelowThreshold_NoAction()
    {
        var twoFailures = Healthy with { ConsecutiveFailures = 2, ConsecutiveSuccesses = 0, FirstFailureAt = Now.AddSeconds(-2) };

        var d = Decide(Steady().WithPrimary(s => s.WithHealth(twoFailures)));

        Assert.False(d.IsPromotion);
        Assert.Equal(PairPhase.Active, d.Phase);
        Assert.Equal(LeaseAction.Keep, d.Lease);
        Assert.Equal(ConditionValue.True, d.Condition(ConditionTypes.Ready).Status);
    }

    [Fact]
    public void Decide_FailureWithinDelay_WaitsUntilDelayEnds()
    {
        var policy = Hot with { FailoverDelay = TimeSpan.FromSeconds(2) };
        var observed = Steady().WithPrimary(s => s.WithHealth(Failing)); // unhealthy since Now - 1 s

        var waiting = Decide(observed, policy);
        var acting = Decide(observed with { State = waiting.State }, policy, Now.AddSeconds(1));

        Assert.False(waiting.IsPromotion);
        Assert.Equal(Now.AddSeconds(1), waiting.NextEvaluationAt);
        Assert.Equal("ActiveFailing", waiting.Condition(ConditionTypes.Degraded).Reason);
        Assert.True(acting.IsPromotion);
    }

    [Fact]
    public void Decide_PodGoneWithoutTimestamp_DelayCountsFromFirstSighting()
    {
        var policy = Hot with { FailoverDelay = TimeSpan.FromSeconds(1) };
        var observed = Steady().WithPrimary(s => s with { Pod = PodObservation.Missing });

        var first = Decide(observed, policy);
        var later = Decide(observed with { State = first.State }, policy, Now.AddSeconds(1));

        Assert.False(first.IsPromotion);
        Assert.Equal(Now, first.State.ActiveFailureDetectedAt);
        Assert.True(later.IsPromotion);
    }

    [Fact]
    public void Decide_ActiveRecovers_ClearsFailureMemory()
    {
        var policy = Hot with { FailoverDelay = TimeSpan.FromSeconds(5) };
        var failing = Decide(Steady().WithPrimary(s => s.WithHealth(Failing)), policy);

        var recovered = Decide(Steady() with { State = failing.State }, policy);

        Assert.Null(recovered.State.ActiveFailureDetectedAt);
        Assert.Null(recovered.State.ActiveFailureNode);
    }

    // ------------------------------------------------------------------ no failover

    [Fact]
    public void Decide_DeviceUnreachableFromBothSides_NoFailoverDegraded()
    {
        var o = Steady()
            .WithPrimary(s => s with { Device = DeviceReachability.Unreachable })
            .WithStandby(s => s with { Device = DeviceReachability.Unreachable });

        var d = Decide(o);

        Assert.False(d.IsPromotion);
        Assert.Equal("a", d.ActiveNode);
        Assert.Equal(PairPhase.Degraded, d.Phase);
        Assert.Equal("DeviceUnreachable", d.Condition(ConditionTypes.Degraded).Reason);
        Assert.Contains(d.Events, e => e.Reason == "DeviceUnreachable");
    }

    [Fact]
    public void Decide_BothSidesFailed_KeepsLastActiveAndDoesNotFlap()
    {
        var o = Steady().WithPrimary(s => s.WithHealth(Failing)).WithStandby(s => s.WithHealth(Failing));

        var first = Decide(o);
        var second = Decide(o with { State = first.State }, at: Now.AddSeconds(30));

        Assert.False(first.IsPromotion);
        Assert.False(second.IsPromotion);
        Assert.Equal("a", second.ActiveNode);
        Assert.Equal(PairPhase.Degraded, first.Phase);
        Assert.Equal("NoEligibleStandby", first.Condition(ConditionTypes.Degraded).Reason);
        Assert.Equal(LeaseAction.Keep, first.Lease);
        Assert.Single(first.Events, e => e.Reason == "NoEligibleStandby");
        Assert.DoesNotContain(second.Events, e => e.Reason == "NoEligibleStandby"); // reported once
    }

    [Fact]
    public void Decide_Paused_NoActionReportsReconciliationPaused()
    {
        var d = Decide(Steady().WithPrimary(s => s.WithHealth(Failing)), Hot with { Paused = true });

        Assert.False(d.IsPromotion);
        Assert.Equal(PairPhase.Paused, d.Phase);
        Assert.Equal(LeaseAction.Keep, d.Lease);
        Assert.Equal("a", d.ActiveNode);
        Assert.Equal(ConditionValue.True, d.Condition(ConditionTypes.ReconciliationPaused).Status);
        Assert.Equal("Paused", d.Condition(ConditionTypes.ReconciliationPaused).Reason);
    }

    [Fact]
    public void Decide_InvalidPolicy_NoActionSpecValidFalse()
    {
        var d = Decide(Steady().WithPrimary(s => s.WithHealth(Failing)), Hot with { FailureThreshold = 0 });

        Assert.Equal(PairPhase.Invalid, d.Phase);
        Assert.Equal(LeaseAction.Keep, d.Lease);
        Assert.Equal(ConditionValue.False, d.Condition(ConditionTypes.SpecValid).Status);
        Assert.Contains("healthCheck.failureThreshold", d.Condition(ConditionTypes.SpecValid).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SameNodeTwice_Invalid()
    {
        var o = Steady() with { Standby = Side("a") };

        Assert.Equal(PairPhase.Invalid, Decide(o).Phase);
    }

    // ------------------------------------------------------------------ start-up grace

    [Fact]
    public void Decide_InGraceWithoutStandbyVerdict_ObservesOnly()
    {
        var started = Steady() with { OperatorStartedAt = Now.AddSeconds(-2) };
        var o = started.WithPrimary(s => s.WithHealth(Failing)).WithStandby(s => s.WithHealth(HealthSnapshot.Unknown));

        var d = Decide(o);

        Assert.False(d.IsPromotion);
        Assert.Equal(Now.AddSeconds(3), d.NextEvaluationAt);
    }

    [Fact]
    public void Decide_InGraceWithBothVerdicts_GraceEndsEarly()
    {
        var o = Steady().WithPrimary(s => s.WithHealth(Failing)) with { OperatorStartedAt = Now.AddSeconds(-2) };

        var d = Decide(o);

        Assert.True(d.IsPromotion);
    }

    [Fact]
    public void Decide_InGrace_ContinuesAFencingAlreadyDecided()
    {
        var o = Steady() with
        {
            ActiveNode = "b",
            Lease = new LeaseObservation(null, Now.AddSeconds(-5), TimeSpan.FromSeconds(3), 4),
            OperatorStartedAt = Now.AddSeconds(-1),
        };

        var d = Decide(o.WithStandby(s => s.WithHealth(HealthSnapshot.Unknown)));

        Assert.Equal(LeaseActionKind.Grant, d.Lease.Kind);
        Assert.Equal("b", d.Lease.Node);
    }

    // ------------------------------------------------------------------ eligibility

    public static TheoryData<string, FailoverPolicy, Func<SideObservation, SideObservation>, string?> Eligibility => new()
    {
        { "hot healthy", Hot, s => s, null },
        { "hot probes failing", Hot, s => s.WithHealth(Failing), "probes failing (3 consecutive)" },
        { "hot failure run in progress", Hot, s => s.WithHealth(Healthy with { ConsecutiveFailures = 1 }), "probes failing (1 consecutive)" },
        { "hot no verdict", Hot, s => s.WithHealth(HealthSnapshot.Unknown), "no probe verdict yet" },
        { "hot no pod", Hot, s => s with { Pod = PodObservation.Missing }, "no collector pod" },
        { "hot pod not ready", Hot, s => s.WithPod(p => p with { Ready = false }), "collector pod is not Ready" },
        { "node NotReady", Hot, s => s.WithNode(n => n with { Ready = false }), "node is NotReady" },
        { "node gone", Cold, s => s.WithNode(n => n with { Exists = false }), "node does not exist" },
        { "cordoned", Cold, s => s.WithNode(n => n with { Unschedulable = true }), "node is cordoned" },
        { "node lease stale", Cold, s => s.WithNode(n => n with { LeaseRenewTime = Now.AddSeconds(-20) }), "node lease is stale (renewed 20 s ago)" },
        { "device unreachable", Hot, s => s with { Device = DeviceReachability.Unreachable }, "device is unreachable from this node" },
        { "cold without pod", Cold, s => s with { Pod = PodObservation.Missing }, null },
    };

    [Theory]
    [MemberData(nameof(Eligibility))]
    public void Ineligibility_Cases_ExplainWhy(string name, FailoverPolicy policy, Func<SideObservation, SideObservation> change, string? expected)
    {
        Assert.True(expected == FailoverEngine.Ineligibility(change(Side("b")), policy, Now), name);
    }

    [Fact]
    public void Decide_ColdStandbyNodeReady_IsPromotedWithoutProbes()
    {
        var o = Steady().WithPrimary(s => s.WithNode(n => n with { Ready = false })).WithStandby(s => s with { Pod = PodObservation.Missing });

        var d = Decide(o, Cold);

        Assert.Equal("b", d.ActiveNode);
        Assert.Equal(NodeRole.Stopped, d.Roles["a"]);
        Assert.Equal(NodeRole.Active, d.Roles["b"]);
    }

    [Fact]
    public void Decide_ColdActiveJustPromotedAndStarting_NotJudgedByItsPod()
    {
        var o = Steady("b") with
        {
            LastTransition = new TransitionRecord(Now.AddSeconds(-2), TransitionKind.Failover, "NodeNotReady", "a", "b", TimeSpan.FromSeconds(6)),
        };
        o = o.WithStandby(s => s with { Pod = PodObservation.Missing });

        var starting = Decide(o, Cold);
        var tooLong = Decide(o with { Lease = o.Lease with { RenewTime = Now.AddSeconds(8.5) } }, Cold, Now.AddSeconds(9)); // the pod-judging rule, not stale renewals

        Assert.False(starting.IsPromotion);
        Assert.Equal(Now.AddSeconds(9), starting.NextEvaluationAt); // promoted 2 s ago + grace 5 s + detection 6 s
        Assert.True(tooLong.IsPromotion);
        Assert.Equal("PodGone", tooLong.Transition!.Reason);
    }

    [Fact]
    public void Decide_ColdActiveAnswersProbesBeforeItsPodIsReady_StillStarting()
    {
        // The collector's /healthz answers a moment before kubelet's readiness probe marks the pod Ready: that is
        // the start going well, not a failure (a new cold pair flipped to its standby on this).
        var o = Steady("b") with
        {
            LastTransition = new TransitionRecord(Now.AddSeconds(-1), TransitionKind.Failover, "NodeNotReady", "a", "b", TimeSpan.FromSeconds(6)),
        };
        o = o.WithStandby(s => s.WithHealth(Healthy) with { Pod = s.Pod with { Ready = false } });

        var d = Decide(o, Cold);

        Assert.False(d.IsPromotion);
        Assert.False(d.State.ActiveConfirmedHealthy);
    }

    [Fact]
    public void Decide_NewColdPairsPrimaryStartsSlowly_WaitsTheJoinTimeoutNotTheActivationWindow()
    {
        var o = Steady("a") with
        {
            LastTransition = new TransitionRecord(Now.AddSeconds(-30), TransitionKind.Initial, "InitialPromotion", null, "a", TimeSpan.Zero),
        };
        o = o.WithPrimary(s => s with { Pod = PodObservation.Missing });

        var waiting = Decide(o, Cold);
        var crashLooping = Decide(o.WithPrimary(s => s with { Pod = new PodObservation(true, false, HealthSnapshot.Unknown, StartFailure: "CrashLoopBackOff (collector)") }), Cold);

        Assert.False(waiting.IsPromotion);
        Assert.True(crashLooping.IsPromotion);
        Assert.Equal("b", crashLooping.ActiveNode);
    }

    [Fact]
    public void Decide_ColdActiveAlreadyConfirmedHealthy_JudgedAtOnce()
    {
        var o = Steady("b") with
        {
            LastTransition = new TransitionRecord(Now.AddSeconds(-2), TransitionKind.Failback, "Failback", "a", "b", TimeSpan.Zero),
            State = FailoverState.Initial with { ActiveConfirmedHealthy = true },
        };

        var d = Decide(o.WithStandby(s => s.WithHealth(Failing)), Cold);

        Assert.True(d.IsPromotion);
        Assert.Equal("ProbeFailed", d.Transition!.Reason);
    }

    [Theory]
    [InlineData(false, false)] // the node we just left cannot be probed while stopped: keep b, Degraded
    [InlineData(true, true)]   // its node restarted since (Ready transition after the failover): trusted again
    public void Decide_ColdDoubleFailure_DoesNotPingPongToTheNodeJustLeft(bool restarted, bool promotes)
    {
        var o = Steady("b") with
        {
            LastTransition = new TransitionRecord(Now.AddSeconds(-20), TransitionKind.Failover, "ProbeFailed", "a", "b", TimeSpan.FromSeconds(6)),
            State = FailoverState.Initial with { LastFailedNode = "a", LastFailedAt = Now.AddSeconds(-20), ActiveConfirmedHealthy = true },
        };
        o = o.WithStandby(s => s.WithNode(n => n with { Ready = false }))
            .WithPrimary(s => s.WithNode(n => n with { ReadyTransitionTime = restarted ? Now.AddSeconds(-5) : null }));

        var d = Decide(o, Cold);

        Assert.Equal(promotes, d.IsPromotion);
        Assert.Equal(promotes ? "a" : "b", d.ActiveNode);
        if (!promotes)
        {
            Assert.Equal("NoEligibleStandby", d.Condition(ConditionTypes.Degraded).Reason);
            Assert.Equal(Now.AddSeconds(10), d.NextEvaluationAt); // trusted again one window after the failover
        }
    }

    // ------------------------------------------------------------------ fencing

    public static TheoryData<string, LeaseObservation, LeaseActionKind, string?, DateTimeOffset?> Fencing => new()
    {
        { "new active already holds", new LeaseObservation("b", Now.AddSeconds(-1), TimeSpan.FromSeconds(3)), LeaseActionKind.Keep, null, null },
        { "old holder renewing", new LeaseObservation("a", Now.AddSeconds(-1), TimeSpan.FromSeconds(3)), LeaseActionKind.Revoke, "a", null },
        { "old holder expired within margin", new LeaseObservation("a", Now.AddMilliseconds(-3200), TimeSpan.FromSeconds(3)), LeaseActionKind.Revoke, "a", null },
        { "old holder expired past margin", new LeaseObservation("a", Now.AddMilliseconds(-3500), TimeSpan.FromSeconds(3)), LeaseActionKind.Grant, "b", Now },
        { "revoked, not yet expired", new LeaseObservation(null, Now.AddSeconds(-1), TimeSpan.FromSeconds(3)), LeaseActionKind.Grant, "b", Now.AddMilliseconds(2500) },
        { "released by its holder", new LeaseObservation(null, Now.AddSeconds(-1), TimeSpan.FromSeconds(3), ReleasedBy: "a"), LeaseActionKind.Grant, "b", Now },
        { "never held", LeaseObservation.Empty, LeaseActionKind.Grant, "b", Now },
    };

    [Theory]
    [MemberData(nameof(Fencing))]
    public void Decide_LeaseOnItsWayToNewActive_FollowsTheFencingRule(string name, LeaseObservation lease, LeaseActionKind kind, string? node, DateTimeOffset? notBefore)
    {
        var d = Decide(MovingTo("b", lease));

        Assert.True(kind == d.Lease.Kind, name);
        Assert.Equal(node, d.Lease.Node);
        Assert.Equal(notBefore, d.Lease.NotBefore);
        Assert.Equal(kind == LeaseActionKind.Keep ? PairPhase.Active : PairPhase.FailingOver, d.Phase);
    }

    [Fact]
    public void Decide_GrantNotYetAllowed_WakesAtExpiryPlusMargin()
    {
        var d = Decide(MovingTo("b", new LeaseObservation(null, Now.AddSeconds(-1), TimeSpan.FromSeconds(3))));

        Assert.False(d.Lease.IsDue(Now));
        Assert.True(d.Lease.IsDue(Now.AddMilliseconds(2500)));
        Assert.Equal(Now.AddMilliseconds(2500), d.NextEvaluationAt);
        Assert.Equal("AwaitingLeaseExpiry", d.Condition(ConditionTypes.FailoverInProgress).Reason);
    }

    [Fact]
    public void Decide_Revoking_WakesAtOldExpiryPlusMargin()
    {
        var d = Decide(MovingTo("b", new LeaseObservation("a", Now.AddSeconds(-1), TimeSpan.FromSeconds(3))));

        Assert.Equal(Now.AddMilliseconds(2500), d.NextEvaluationAt);
        Assert.Equal("RevokingLease", d.Condition(ConditionTypes.FailoverInProgress).Reason);
    }

    // ------------------------------------------------------------------ fail-back

    [Fact]
    public void Decide_AutomaticFailbackAfterWindow_PlannedSwitchToPrimary()
    {
        var o = Steady("b") with
        {
            State = FailoverState.Initial with { PrimaryEligibleSince = Now.AddSeconds(-30) },
            LastTransition = new TransitionRecord(Now.AddSeconds(-40), TransitionKind.Failover, "ProbeFailed", "a", "b", TimeSpan.FromSeconds(6)),
        };

        var d = Decide(o);

        Assert.Equal("a", d.ActiveNode);
        Assert.Equal(TransitionKind.Failback, d.Transition!.Kind);
        Assert.Equal(2, d.FailoverCount); // planned: not a failover
        Assert.Equal(LeaseActionKind.Revoke, d.Lease.Kind);
        Assert.Contains(d.Events, e => e.Reason == "FailbackStarted" && !e.Warning);
    }

    [Theory]
    [InlineData(-10, -40, 20)] // primary eligible for 10 s: wait 20 s more
    [InlineData(-60, -10, 20)] // switched 10 s ago: at most one automatic switch per window
    public void Decide_AutomaticFailbackBeforeWindow_WaitsAndWakesUp(int eligibleSinceS, int lastSwitchS, int wakeInS)
    {
        var o = Steady("b") with
        {
            State = FailoverState.Initial with { PrimaryEligibleSince = Now.AddSeconds(eligibleSinceS) },
            LastTransition = new TransitionRecord(Now.AddSeconds(lastSwitchS), TransitionKind.Failover, "ProbeFailed", "a", "b", TimeSpan.FromSeconds(6)),
        };

        var d = Decide(o);

        Assert.False(d.IsPromotion);
        Assert.Equal(Now.AddSeconds(wakeInS), d.NextEvaluationAt);
    }

    [Fact]
    public void Decide_PrimaryBecomesEligible_StartsTheWindowNow()
    {
        var o = Steady("b") with { State = FailoverState.Initial };

        var d = Decide(o);

        Assert.Equal(Now, d.State.PrimaryEligibleSince);
        Assert.False(d.IsPromotion);
    }

    [Fact]
    public void Decide_PrimaryIneligible_ResetsTheWindow()
    {
        var o = Steady("b").WithPrimary(s => s.WithHealth(Failing));

        Assert.Null(Decide(o).State.PrimaryEligibleSince);
    }

    [Fact]
    public void Decide_NewLeaderWithoutAVerdictYet_KeepsTheWindowTheLastLeaderStartedButDoesNotFailBack()
    {
        var o = Steady("b").WithPrimary(s => s.WithHealth(HealthSnapshot.Unknown)) with
        {
            State = FailoverState.Initial with { PrimaryEligibleSince = Now.AddSeconds(-60) },
            LastTransition = new TransitionRecord(Now.AddSeconds(-90), TransitionKind.Failover, "ProbeFailed", "a", "b", TimeSpan.FromSeconds(6)),
        };

        var d = Decide(o);

        Assert.Equal(Now.AddSeconds(-60), d.State.PrimaryEligibleSince);
        Assert.False(d.IsPromotion);
        Assert.Equal("a", Decide(o.WithPrimary(s => s.WithHealth(Healthy)) with { State = d.State }).ActiveNode); // due at once with a verdict
    }

    [Fact]
    public void Decide_NoVerdictAndNodeNotReady_ResetsTheWindow()
    {
        var o = Steady("b").WithPrimary(s => s.WithHealth(HealthSnapshot.Unknown).WithNode(n => n with { Ready = false })) with
        {
            State = FailoverState.Initial with { PrimaryEligibleSince = Now.AddSeconds(-60) },
        };

        Assert.Null(Decide(o).State.PrimaryEligibleSince);
    }

    [Fact]
    public void Decide_ManualFailback_NeverSwitchesBackByItself()
    {
        var o = Steady("b") with { State = FailoverState.Initial with { PrimaryEligibleSince = Now.AddHours(-1) } };

        var d = Decide(o, Hot with { Failback = FailbackMode.Manual });

        Assert.False(d.IsPromotion);
        Assert.Equal("b", d.ActiveNode);
    }

    private static PairObservation ColdOnStandby(HealthSnapshot primaryHealth, DateTimeOffset? warmSince) =>
        (Steady("b") with
        {
            State = FailoverState.Initial with { PrimaryEligibleSince = Now.AddSeconds(-60), FailbackWarmupSince = warmSince },
            LastTransition = new TransitionRecord(Now.AddSeconds(-60), TransitionKind.Failover, "ProbeFailed", "a", "b", TimeSpan.FromSeconds(6)),
        }).WithPrimary(s => s.WithHealth(primaryHealth));

    [Fact]
    public void Decide_ColdFailbackDue_StartsPrimaryInStandbyRoleFirst()
    {
        var d = Decide(ColdOnStandby(Failing, null).WithPrimary(s => s with { Pod = PodObservation.Missing }), Cold);

        Assert.False(d.IsPromotion);
        Assert.Equal(NodeRole.Standby, d.Roles["a"]);
        Assert.Equal(NodeRole.Active, d.Roles["b"]);
        Assert.Equal(Now, d.State.FailbackWarmupSince);
        Assert.Equal(Now.AddSeconds(11), d.NextEvaluationAt); // grace 5 s + detection 6 s
    }

    [Fact]
    public void Decide_ColdFailbackWarmedUpHealthy_SwitchesBack()
    {
        var healthySinceWarmup = Healthy with { HealthySince = Now.AddSeconds(-3) }; // one detection length: 3 x 1 s

        var d = Decide(ColdOnStandby(healthySinceWarmup, Now.AddSeconds(-4)), Cold);

        Assert.Equal("a", d.ActiveNode);
        Assert.Equal(TransitionKind.Failback, d.Transition!.Kind);
        Assert.Equal(NodeRole.Active, d.Roles["a"]);
        Assert.Equal(NodeRole.Stopped, d.Roles["b"]);
        Assert.Null(d.State.FailbackWarmupSince);
    }

    [Fact]
    public void Decide_ColdFailbackHealthyOnlyBriefly_KeepsWarmingUp()
    {
        var d = Decide(ColdOnStandby(Healthy with { HealthySince = Now.AddSeconds(-1) }, Now.AddSeconds(-2)), Cold);

        Assert.False(d.IsPromotion);
        Assert.Equal(NodeRole.Standby, d.Roles["a"]);
        Assert.Equal(Now.AddSeconds(2), d.NextEvaluationAt);
    }

    [Fact]
    public void Decide_ColdFailbackNeverHealthy_AbortsWithoutSwitching()
    {
        var d = Decide(ColdOnStandby(Failing, Now.AddSeconds(-12)), Cold);

        Assert.False(d.IsPromotion);
        Assert.Equal("b", d.ActiveNode);
        Assert.Equal(NodeRole.Stopped, d.Roles["a"]);
        Assert.Contains(d.Events, e => e.Reason == "FailbackAborted" && e.Warning);
        Assert.Equal(Now, d.State.PrimaryEligibleSince); // a new window starts
        Assert.Null(d.State.FailbackWarmupSince);
    }

    // ------------------------------------------------------------------ planned switchover

    [Fact]
    public void Decide_SwitchoverRequestToEligible_StartsAndAcknowledges()
    {
        var d = Decide(Steady() with { Switchover = new SwitchoverRequest("r1", "b") });

        Assert.Equal("b", d.ActiveNode);
        Assert.Equal(TransitionKind.Switchover, d.Transition!.Kind);
        Assert.Equal("SwitchoverRequested", d.Transition.Reason);
        Assert.Equal(5, d.Epoch);
        Assert.Equal(new SwitchoverAck("r1", "b", Now, true, "Started", "switching to b"), d.Switchover);
        Assert.Equal("r1", d.State.LastHandledSwitchoverId);
    }

    [Fact]
    public void Decide_SwitchoverRequestAlreadyHandled_ActedOnOnce()
    {
        var o = Steady() with { Switchover = new SwitchoverRequest("r1", "b"), State = FailoverState.Initial with { LastHandledSwitchoverId = "r1", PrimaryEligibleSince = T0 } };

        var d = Decide(o);

        Assert.False(d.IsPromotion);
        Assert.Null(d.Switchover);
    }

    public static TheoryData<string, SwitchoverRequest, Func<PairObservation, PairObservation>, string, bool> Requests => new()
    {
        { "unhealthy target", new SwitchoverRequest("r", "b"), o => o.WithStandby(s => s.WithHealth(Failing)), "TargetNotEligible", false },
        { "unhealthy target forced", new SwitchoverRequest("r", "b", Force: true), o => o.WithStandby(s => s.WithHealth(Failing)), "Started", true },
        { "unknown node", new SwitchoverRequest("r", "zz"), o => o, "UnknownNode", false },
        { "already active", new SwitchoverRequest("r", "a"), o => o, "AlreadyActive", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Decide_SwitchoverRequests_AnsweredWithAReason(string name, SwitchoverRequest request, Func<PairObservation, PairObservation> change, string result, bool switches)
    {
        var d = Decide(change(Steady() with { Switchover = request }));

        Assert.True(result == d.Switchover!.Result, name);
        Assert.Equal(switches, d.IsPromotion);
        Assert.Equal(result is "Started" or "AlreadyActive", d.Switchover.Accepted);
        Assert.Equal("r", d.State.LastHandledSwitchoverId);
        if (!d.Switchover.Accepted)
        {
            Assert.Contains(d.Events, e => e.Reason == "SwitchoverRefused" && e.Warning);
        }
    }

    [Fact]
    public void Decide_ActiveNodeCordoned_PlannedSwitchover()
    {
        var d = Decide(Steady().WithPrimary(s => s.WithNode(n => n with { Unschedulable = true })));

        Assert.Equal("b", d.ActiveNode);
        Assert.Equal(TransitionKind.Switchover, d.Transition!.Kind);
        Assert.Equal("ActiveNodeCordoned", d.Transition.Reason);
    }

    [Fact]
    public void Decide_BothCordoned_StaysPut()
    {
        var d = Decide(Steady().WithPrimary(s => s.WithNode(n => n with { Unschedulable = true })).WithStandby(s => s.WithNode(n => n with { Unschedulable = true })));

        Assert.False(d.IsPromotion);
        Assert.Equal("StandbyNotEligible", d.Condition(ConditionTypes.Degraded).Reason);
    }

    // ------------------------------------------------------------------ first promotion and adoption

    [Theory]
    [InlineData(true, true, "a")]
    [InlineData(false, true, "b")]
    public void Decide_NoActiveYet_PromotesPrimaryElseStandby(bool primaryOk, bool standbyOk, string expected)
    {
        var o = Steady() with { ActiveNode = null, Lease = LeaseObservation.Empty, Epoch = 0, LastTransition = null, JoinSince = Now.AddSeconds(-120) };
        o = o.WithPrimary(s => primaryOk ? s : s.WithHealth(Failing)).WithStandby(s => standbyOk ? s : s.WithHealth(Failing));

        var d = Decide(o);

        Assert.Equal(expected, d.ActiveNode);
        Assert.Equal(1, d.Epoch);
        Assert.Equal(TransitionKind.Initial, d.Transition!.Kind);
        Assert.Equal(LeaseAction.Grant(expected, Now), d.Lease);
    }

    [Fact]
    public void Decide_NoActiveAndNoEligibleNode_PendingDegraded()
    {
        var o = (Steady() with { ActiveNode = null, Lease = LeaseObservation.Empty, JoinSince = Now.AddSeconds(-120) }).WithPrimary(s => s.WithHealth(Failing)).WithStandby(s => s.WithHealth(Failing));

        var d = Decide(o);

        Assert.Equal(PairPhase.Pending, d.Phase);
        Assert.Equal("NoEligibleNode", d.Condition(ConditionTypes.Degraded).Reason);
    }

    // A new pair, 1 s into its join wait (120 s by default).
    private static PairObservation Joining() =>
        Steady() with { ActiveNode = null, Lease = LeaseObservation.Empty, Epoch = 0, LastTransition = null, JoinSince = Now.AddSeconds(-1) };

    [Fact]
    public void Decide_NewPairPrimaryEligible_PromotesItWithoutWaitingForTheStandby()
    {
        var d = Decide(Joining().WithStandby(s => s.WithHealth(HealthSnapshot.Unknown)));

        Assert.Equal("a", d.ActiveNode);
        Assert.Equal(TransitionKind.Initial, d.Transition!.Kind);
    }

    public static TheoryData<string, Func<SideObservation, SideObservation>> PrimaryNotYetUp => new()
    {
        { "no pod yet", s => s with { Pod = PodObservation.Missing } },
        { "pod not Ready yet", s => s.WithPod(p => p with { Ready = false }) },
        { "no probe verdict yet", s => s.WithHealth(HealthSnapshot.Unknown) },
        { "first probes failing", s => s.WithHealth(Failing) },
    };

    [Theory]
    [MemberData(nameof(PrimaryNotYetUp))]
    public void Decide_NewPairPrimaryNotUpYet_WaitsForItInsteadOfPromotingTheStandby(string name, Func<SideObservation, SideObservation> primary)
    {
        var d = Decide(Joining().WithPrimary(primary));

        Assert.True(d.ActiveNode is null, name);
        Assert.Equal(PairPhase.Pending, d.Phase);
        Assert.Equal("WaitingForPrimary", d.Condition(ConditionTypes.Ready).Reason);
        Assert.Equal(Now.AddSeconds(119), d.NextEvaluationAt);
    }

    [Theory]
    [MemberData(nameof(PrimaryNotYetUp))]
    public void Decide_NewPairJoinWaitOver_PromotesTheStandby(string name, Func<SideObservation, SideObservation> primary)
    {
        var d = Decide(Joining().WithPrimary(primary), at: Now.AddSeconds(119));

        Assert.True(d.ActiveNode == "b", name);
    }

    public static TheoryData<string, Func<SideObservation, SideObservation>> PrimaryDefinitelyFailed => new()
    {
        { "node NotReady", s => s.WithNode(n => n with { Ready = false }) },
        { "node gone", s => s.WithNode(n => n with { Exists = false }) },
        { "node cordoned", s => s.WithNode(n => n with { Unschedulable = true }) },
        { "crash-looping", s => s.WithPod(p => p with { Ready = false, StartFailure = "CrashLoopBackOff (collector)" }) },
        { "image cannot be pulled", s => s with { Pod = PodObservation.Missing with { StartFailure = "ImagePullBackOff (collector)" } } },
        { "pod failed", s => s with { Pod = PodObservation.Missing with { StartFailure = "Failed" } } },
    };

    [Theory]
    [MemberData(nameof(PrimaryDefinitelyFailed))]
    public void Decide_NewPairPrimaryDefinitelyFailed_EndsTheWaitAndPromotesTheStandby(string name, Func<SideObservation, SideObservation> primary)
    {
        var d = Decide(Joining().WithPrimary(primary));

        Assert.True(d.ActiveNode == "b", name);
        Assert.Equal(TransitionKind.Initial, d.Transition!.Kind);
    }

    [Fact]
    public void Decide_PairCreatedAfterTheLeaderStarted_JoinWaitRunsFromItsCreation()
    {
        // The leader has run for an hour: its own start-up grace is long over, the new pair's wait is not.
        var o = Joining().WithPrimary(s => s with { Pod = PodObservation.Missing }) with { OperatorStartedAt = Now.AddHours(-1) };

        Assert.Null(Decide(o).ActiveNode);
    }

    [Fact]
    public void Decide_StatusLostButLeaseHeld_AdoptsHolderWithoutSwitch()
    {
        var o = Steady("b") with { ActiveNode = null };

        var d = Decide(o, Hot with { Failback = FailbackMode.Manual });

        Assert.Equal("b", d.ActiveNode);
        Assert.False(d.IsPromotion);
        Assert.Equal(4, d.Epoch);
        Assert.Equal(LeaseAction.Keep, d.Lease);
    }

    // ------------------------------------------------------------------ status

    [Fact]
    public void Decide_Steady_ReadyAndRedundant()
    {
        var d = Decide(Steady().WithPrimary(s => s.WithNode(n => n with { LeaseRenewTime = Now.AddSeconds(-2) })));

        Assert.Equal(PairPhase.Active, d.Phase);
        Assert.Equal(ConditionValue.True, d.Condition(ConditionTypes.Ready).Status);
        Assert.Equal(ConditionValue.False, d.Condition(ConditionTypes.Degraded).Status);
        Assert.Equal(ConditionValue.False, d.Condition(ConditionTypes.FailoverInProgress).Status);
        Assert.Equal(ConditionValue.True, d.Condition(ConditionTypes.SpecValid).Status);
        Assert.All(d.Conditions, c => Assert.False(string.IsNullOrEmpty(c.Reason)));
        Assert.All(d.Nodes, n => Assert.True(n.Healthy));
        Assert.Empty(d.Events);
        Assert.Equal(Now.AddSeconds(13), d.NextEvaluationAt); // when the active's node lease would turn stale
    }

    [Fact]
    public void Decide_StandbyFailing_DegradedAndNodeVerdictSaysWhy()
    {
        var d = Decide(Steady().WithStandby(s => s.WithHealth(Failing)));

        Assert.Equal(PairPhase.Active, d.Phase);
        Assert.Equal("StandbyNotEligible", d.Condition(ConditionTypes.Degraded).Reason);
        var b = d.Nodes.Single(n => n.Name == "b");
        Assert.False(b.Healthy);
        Assert.Equal(3, b.ConsecutiveFailures);
        Assert.Equal("probes failing (3 consecutive)", b.Message);
    }

    [Fact]
    public void Decide_SameInputs_SameDecision()
    {
        var o = Steady().WithPrimary(s => s.WithHealth(Failing));

        Assert.Equal(Decide(o).Transition, Decide(o).Transition);
        Assert.Equal(Decide(o).Lease, Decide(o).Lease);
    }
}
