using EdgeHa.Fencing;

namespace EdgeHa.Collector;

/// <summary>
/// The role from the pair Lease (the operator's fencing): active only while this pod holds the Lease and after the
/// promotion replay has run; standby (polling, buffering, publishing nothing) otherwise. The holder stops acting on
/// its own before its lease could expire, and <see cref="Current"/> re-checks the holding on every read, so no sample
/// is published by a collector that is not the holder. On a new holding the buffered samples after the previous
/// holder's last published sequence are published first (zero loss for hot standby).
/// </summary>
public sealed class LeaseRoleSource : IRoleSource, IAsyncDisposable
{
    private readonly LeaseHolder _holder;
    private readonly Lock _gate = new();
    private CollectorEngine? _engine;
    private bool _promoted;
    private long _promotedAfterNumber;
    private CollectorRole _reported = CollectorRole.Standby;

    /// <summary>Creates the source and its <see cref="LeaseHolder"/>; call <see cref="Attach"/> before running it.</summary>
    public LeaseRoleSource(Func<Func<long?>, LeaseHolder> createHolder)
    {
        ArgumentNullException.ThrowIfNull(createHolder);
        _holder = createHolder(LastPublishedSequenceInHolding);
        _holder.StateChanged += OnHoldingChanged;
        _holder.ReportOnRenewal = ReportPromotionGap;
        _holder.BeforeStopActingAsync = ct => _engine?.DrainAsync(ct) ?? Task.CompletedTask;
    }

    public CollectorRole Current
    {
        get
        {
            lock (_gate)
            {
                return _promoted && _holder.State.Acting ? CollectorRole.Active : CollectorRole.Standby;
            }
        }
    }

    public event EventHandler<RoleChangedEventArgs>? RoleChanged;

    /// <summary>The holding as the fencing sees it (acting, epoch, reason).</summary>
    public HoldingState Holding => _holder.State;

    /// <summary>
    /// Why this collector could not hold the lease now, or null: an API server unreachable for longer than the lease
    /// lasts means a promotion could never be confirmed, so health reports it and the operator will not pick us.
    /// </summary>
    public string? Problem
    {
        get
        {
            var since = _holder.SinceLastApiSuccess;
            var limit = _holder.Terms.Duration;
            return since is null
                ? null
                : since > limit ? $"the API server has not answered for {since.Value.TotalMilliseconds:0} ms (lease {limit.TotalMilliseconds:0} ms): cannot hold the pair lease" : null;
        }
    }

    /// <summary>Connects the source to the engine it promotes.</summary>
    public void Attach(CollectorEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    /// <summary>Follows and renews the Lease until cancelled, then releases it.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _holder.RunAsync(cancellationToken);

    /// <summary>Called by <see cref="CollectorEngine.PromoteAsync"/> inside its publication lock, after the replay.</summary>
    internal bool TryMarkPromoted()
    {
        lock (_gate)
        {
            if (!_holder.State.Acting)
            {
                return false;
            }

            _promoted = true;
        }

        Report();
        return true;
    }

    private void OnHoldingChanged(object? sender, HoldingState state)
    {
        if (!state.Acting)
        {
            lock (_gate)
            {
                _promoted = false;
            }

            Report();
            return;
        }

        var engine = _engine;
        if (engine is null)
        {
            return;
        }

        // Read before taking _gate: LastPublished takes the engine's publication lock, and the engine's poll holds that
        // lock while it asks Current (which takes _gate); the other order deadlocked a promotion (the new active hung,
        // serving nothing, while its grant was confirmed).
        var publishedBefore = engine.LastPublished?.Number ?? 0;
        lock (_gate)
        {
            _promotedAfterNumber = publishedBefore;
        }

        engine.Epoch = state.Epoch;
        _ = engine.PromoteAsync(state.PreviousLastSequence is >= 0 ? state.PreviousLastSequence : null);
    }

    /// <summary>
    /// The last sequence published (acknowledged by every sink) in the current holding, unwrapped to 64 bits, null
    /// before the first: the Lease annotation.
    /// </summary>
    private long? LastPublishedSequenceInHolding()
    {
        var last = _engine?.LastPublished;
        lock (_gate)
        {
            return _promoted && last is { UnwrappedSequence: long sequence } && last.Number > _promotedAfterNumber ? sequence : null;
        }
    }

    /// <summary>Writes this holding's promotion gap on the Lease with each renewal (removes a stale one).</summary>
    private void ReportPromotionGap(IDictionary<string, string> annotations)
    {
        var holding = _holder.State;
        if (_engine?.LastPromotionGap is { } gap && holding.Acting && gap.Epoch == holding.Epoch)
        {
            annotations[FencingAnnotations.PromotionGap] = gap.Format();
        }
        else
        {
            annotations.Remove(FencingAnnotations.PromotionGap);
        }
    }

    private void Report()
    {
        var now = Current;
        CollectorRole previous;
        lock (_gate)
        {
            previous = _reported;
            _reported = now;
        }

        if (previous != now)
        {
            RoleChanged?.Invoke(this, new RoleChangedEventArgs(previous, now));
        }
    }

    public ValueTask DisposeAsync() => _holder.DisposeAsync();
}
