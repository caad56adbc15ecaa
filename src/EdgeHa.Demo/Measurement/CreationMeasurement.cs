namespace EdgeHa.Demo.Measurement;

/// <summary>
/// How a new pair took its first placement: every active node and epoch the status showed from creation to the end
/// of the first steady state. A join wait that works shows one entry: the primary at epoch 1.
/// </summary>
/// <param name="Primary">spec.primaryNode.</param>
/// <param name="Actives">Each (node, epoch) the status reported as active, in order, duplicates removed.</param>
public sealed record CreationMeasurement(string Primary, IReadOnlyList<ActivePlacement> Actives)
{
    /// <summary>The first active node and epoch 1, and no other placement before the first fault.</summary>
    public bool WithoutFlip => Actives is [{ Node: var n, Epoch: 1 }] && n == Primary;

    public string Describe() => Actives.Count == 0
        ? "no active node was reported"
        : string.Join(" -> ", Actives.Select(a => $"{a.Node} (epoch {a.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})"));
}

/// <summary>One active node and epoch as the pair's status reported them.</summary>
public sealed record ActivePlacement(DateTimeOffset At, string Node, long? Epoch);
