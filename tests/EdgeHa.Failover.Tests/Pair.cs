namespace EdgeHa.Failover.Tests;

/// <summary>Builds observations for the engine tests: primary "a" active and holding the lease, "b" a healthy hot standby.</summary>
internal static class Pair
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The evaluation time of most tests: long after the operator started.</summary>
    public static readonly DateTimeOffset Now = T0.AddSeconds(100);

    public static FailoverPolicy Hot { get; } = FailoverPolicy.Default with { StandbyMode = StandbyMode.Hot };

    public static FailoverPolicy Cold { get; } = FailoverPolicy.Default;

    public static HealthSnapshot Healthy { get; } = new(true, 0, 10, null, null, T0.AddSeconds(1), Now.AddSeconds(-1));

    /// <summary>Three failed probes: the first sent 6 s ago, unhealthy since 1 s ago.</summary>
    public static HealthSnapshot Failing { get; } = new(false, 3, 0, Now.AddSeconds(-6), Now.AddSeconds(-1), null, Now.AddSeconds(-3));

    public static SideObservation Side(string name, HealthSnapshot? health = null) =>
        new(new NodeObservation(name), new PodObservation(true, true, health ?? Healthy),
            DeviceReachability.Reachable);

    public static PairObservation Steady(string active = "a") => new(
        Side("a"),
        Side("b"),
        new LeaseObservation(active, Now.AddMilliseconds(-500), TimeSpan.FromSeconds(3), 4),
        active,
        Epoch: 4,
        OperatorStartedAt: T0,
        State: FailoverState.Initial with { PrimaryEligibleSince = T0 },
        LastTransition: new TransitionRecord(T0.AddSeconds(10), TransitionKind.Initial, "InitialPromotion", null, active, TimeSpan.Zero),
        FailoverCount: 2);

    /// <summary>A switch to "b" decided 1 s ago, the lease on its way.</summary>
    public static PairObservation MovingTo(string to, LeaseObservation lease) => Steady() with
    {
        ActiveNode = to,
        Lease = lease,
        LastTransition = new TransitionRecord(Now.AddSeconds(-1), TransitionKind.Failover, "ProbeFailed", "a", to, TimeSpan.FromSeconds(6)),
    };

    public static PairObservation WithPrimary(this PairObservation o, Func<SideObservation, SideObservation> change) => o with { Primary = change(o.Primary) };

    public static PairObservation WithStandby(this PairObservation o, Func<SideObservation, SideObservation> change) => o with { Standby = change(o.Standby) };

    public static SideObservation WithNode(this SideObservation s, Func<NodeObservation, NodeObservation> change) => s with { Node = change(s.Node) };

    public static SideObservation WithPod(this SideObservation s, Func<PodObservation, PodObservation> change) => s with { Pod = change(s.Pod) };

    public static SideObservation WithHealth(this SideObservation s, HealthSnapshot health) => s with { Pod = s.Pod with { Health = health } };

    public static ConditionValue Condition(this Decision d, string type) => d.Conditions.Single(c => c.Type == type);
}
