namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The faults a schedule can inject.</summary>
internal enum FaultKind
{
    NodeCrash,
    CollectorCrash,
    PartitionNodeApi,
    PartitionNodeNode,
    PartitionOperatorNode,

    /// <summary>The node's network is cut (API server and operator) while it keeps running: it must fence itself.</summary>
    NetworkIsolation,
    ProbeFlap,
    DeviceOutage,
    DeviceLinkCut,
    ApiSlow,
    ApiErrors,
    OperatorRestart,
    SwitchoverRequest,
    Cordon,
    SpecEdit,
}
