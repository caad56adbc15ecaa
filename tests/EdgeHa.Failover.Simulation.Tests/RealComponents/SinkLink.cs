namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>One node's link to the broker, with its faults; it outlives the collector process on the node.</summary>
internal sealed class SinkLink
{
    /// <summary>The broker refuses writes (its queue is full, a quota): nothing is taken, the writer retries.</summary>
    public bool Refusing { get; set; }

    /// <summary>Back-pressure: how long a write waits for room before it can leave.</summary>
    public TimeSpan AcceptDelay { get; set; }

    /// <summary>Chance that the broker takes a sample but its acknowledgement never arrives (the writer sends it again).</summary>
    public double AckLoss { get; set; }
}
