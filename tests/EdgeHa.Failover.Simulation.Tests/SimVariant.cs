namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>The model under test: the real rules, or a deliberately broken one the invariants must catch.</summary>
internal enum SimVariant
{
    /// <summary>The engine's fencing rules and collectors that self-fence.</summary>
    Correct,

    /// <summary>Broken: the operator grants the new holder at once, without revoking and waiting for expiry.</summary>
    FencingOff,

    /// <summary>Broken: collectors keep acting after their lease ran out, until they hear otherwise.</summary>
    CollectorsIgnoreExpiry,
}
