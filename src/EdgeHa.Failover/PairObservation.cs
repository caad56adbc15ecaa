namespace EdgeHa.Failover;

/// <summary>Everything the engine looks at, as observed by the operator at one instant.</summary>
/// <param name="Primary">The primary side (spec.primaryNode).</param>
/// <param name="Standby">The standby side (spec.standbyNode).</param>
/// <param name="Lease">The pair Lease.</param>
/// <param name="ActiveNode">status.activeNode: the desired active node decided last; null before the first promotion.</param>
/// <param name="Epoch">status.epoch.</param>
/// <param name="OperatorStartedAt">When this operator instance became leader (start of the start-up grace).</param>
/// <param name="State">The state returned by the previous decision.</param>
/// <param name="LastTransition">status.lastTransition.</param>
/// <param name="FailoverCount">status.failoverCount.</param>
/// <param name="Switchover">A pending manual switchover request, if any.</param>
/// <param name="JoinSince">
/// Since when a pair with no active node waits for its primary (the later of the pair's creation and this leader's
/// start); null: <paramref name="OperatorStartedAt"/>. The wait lasts the policy's join timeout.
/// </param>
public sealed record PairObservation(
    SideObservation Primary,
    SideObservation Standby,
    LeaseObservation Lease,
    string? ActiveNode,
    long Epoch,
    DateTimeOffset OperatorStartedAt,
    FailoverState State,
    TransitionRecord? LastTransition = null,
    long FailoverCount = 0,
    SwitchoverRequest? Switchover = null,
    DateTimeOffset? JoinSince = null)
{
    /// <summary>The side with the given node name, or null.</summary>
    public SideObservation? Side(string? name) =>
        name == Primary.Name ? Primary : name == Standby.Name ? Standby : null;

    /// <summary>The other side of the pair.</summary>
    public SideObservation Other(SideObservation side) => side.Name == Primary.Name ? Standby : Primary;
}
