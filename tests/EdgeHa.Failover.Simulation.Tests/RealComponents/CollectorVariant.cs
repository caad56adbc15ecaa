namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>The collector's sample path as shipped, or with a sink defect put in, to prove the simulation catches it.</summary>
public enum CollectorVariant
{
    Shipped,

    /// <summary>The sink asks the fence when it takes a write, not when the write leaves (after waiting for the broker's room).</summary>
    SinkFencesOnAccept,

    /// <summary>The sink reports a sample acknowledged when it took it, before the broker has it.</summary>
    SinkAcksBeforeDelivery,
}
