namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// The consumer's side: every sample the broker took, tagged with the emitter and the epoch it held then, and every
/// promotion with what the promoted collector had buffered. Checks, as samples arrive, that epochs emit in disjoint,
/// ascending intervals and only while acting (one epoch may pass to a new pod, never back); and at the end that no device sample was lost across a failover.
/// </summary>
internal sealed class SampleStream
{
    private readonly Dictionary<long, int> _delivered = [];
    private readonly List<Promotion> _promotions = [];
    private long _highestEpoch;
    private string? _highestEpochBy;
    private long _maxDelivered = -1;

    public long Emitted { get; private set; }

    public long Distinct => _delivered.Count;

    public long Duplicates => Emitted - Distinct;

    /// <summary>Device samples missing from the stream that the collector promoted next had buffered: the violation.</summary>
    public long Lost { get; private set; }

    /// <summary>Missing samples no collector could replay (none buffered them: crashed, paused, cold start, device cut).</summary>
    public long Unbuffered { get; private set; }

    /// <summary>(a) only an acting holder emits, and an epoch's emissions all come before the next epoch's.</summary>
    public void Emit(string at, string identity, long epoch, bool acting, long index, List<string> violations)
    {
        Emitted++;
        _delivered[index] = _delivered.GetValueOrDefault(index) + 1;
        _maxDelivered = Math.Max(_maxDelivered, index);
        if (!acting)
        {
            violations.Add($"{at}: {identity} emits sample {index} while not acting (epoch {epoch})");
        }

        if (epoch < _highestEpoch)
        {
            violations.Add($"{at}: {identity} emits sample {index} at epoch {epoch} after epoch {_highestEpoch} emitted");
        }
        else if (epoch == _highestEpoch && _highestEpochBy != identity)
        {
            // The epoch is the fencing token: every grant takes a new one, also a re-grant to the active node's
            // restarted pod, so a device can reject whatever an older holding still sends.
            violations.Add($"{at}: {identity} emits sample {index} at epoch {epoch}, which {_highestEpochBy} emitted under already");
            EpochReuses++;
            _highestEpochBy = identity;
        }

        if (epoch > _highestEpoch)
        {
            _highestEpoch = epoch;
            _highestEpochBy = identity;
        }
    }

    /// <summary>Holdings that emitted under an epoch an earlier pod had emitted under (each is a violation too).</summary>
    public long EpochReuses { get; private set; }

    /// <summary>A collector became active, holding these unpublished samples (before its replay).</summary>
    public void Promote(string identity, IReadOnlyCollection<long> unpublished) => _promotions.Add(new Promotion(identity, _maxDelivered, [.. unpublished]));

    /// <summary>
    /// (b) hot standby loses nothing across a failover: a device sample missing between the first and the last one
    /// delivered is lost if the last collector promoted while it was still owed (nothing after it delivered yet) had
    /// it buffered. Missing samples nobody buffered are counted apart.
    /// </summary>
    public void CheckLoss(List<string> violations)
    {
        if (_delivered.Count == 0)
        {
            return;
        }

        var first = _delivered.Keys.Min();
        var missing = new List<(long Index, string By)>();
        for (var n = first; n < _maxDelivered; n++)
        {
            if (_delivered.ContainsKey(n))
            {
                continue;
            }

            var owed = _promotions.FindLast(p => p.MaxDeliveredBefore < n);
            if (owed is not null && owed.Unpublished.Contains(n))
            {
                missing.Add((n, owed.Identity));
            }
            else
            {
                Unbuffered++;
            }
        }

        Lost = missing.Count;
        if (missing.Count > 0)
        {
            violations.Add($"end: {missing.Count} device sample(s) lost across a failover, first {missing[0].Index}, buffered by {missing[0].By} when it was promoted");
        }
    }

    private sealed record Promotion(string Identity, long MaxDeliveredBefore, HashSet<long> Unpublished);
}
