using EdgeHa.Controller.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Controller.LeaderElection;

/// <summary>
/// Leader election on a lease, as client-go's leaderelection package:
/// <list type="bullet">
/// <item>Candidates try to acquire every RetryPeriod (jittered by up to 1.2x). A lease held by someone else is
/// respected until LeaseDuration has passed since this candidate last saw it change (by its own monotonic clock, so
/// clock skew between nodes does not matter), or until it is released (empty holder).</item>
/// <item>Writes use the lease's resourceVersion: of two candidates racing for an expired lease exactly one wins.</item>
/// <item>The leader renews every RetryPeriod. If it cannot renew for RenewDeadline since its last successful renewal
/// it stops leading: the leading token is cancelled before anyone else may take over (RenewDeadline &lt; LeaseDuration).
/// (client-go counts the deadline from the start of a renew cycle; counting from the last success is stricter.)</item>
/// <item>On shutdown with <see cref="LeaderElectionOptions.ReleaseOnCancel"/> the leader, after its work stopped,
/// clears the holder and sets the duration to 1 s, so another replica takes over at its next retry.</item>
/// </list>
/// </summary>
public sealed class LeaderElector
{
    private readonly ILeaseLock _lock;
    private readonly LeaderElectionOptions _options;
    private readonly LeaderCallbacks _callbacks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ControllerMetrics _metrics;
    private readonly Random _random;
    private readonly KeyValuePair<string, object?> _nameTag;
    private readonly Lock _gate = new();
    private LeaseSnapshot? _observed;
    private long _observedAt;
    private string? _reportedLeader;
    private volatile bool _isLeader;
    private int _running;

    public LeaderElector(ILeaseLock leaseLock, LeaderElectionOptions options, LeaderCallbacks callbacks)
    {
        ArgumentNullException.ThrowIfNull(leaseLock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(callbacks);
        ArgumentNullException.ThrowIfNull(callbacks.OnStartedLeading);
        options.Validate();
        _lock = leaseLock;
        _options = options;
        _callbacks = callbacks;
        _time = options.TimeProvider;
        _logger = options.Logger ?? NullLogger.Instance;
        _metrics = options.Metrics ?? ControllerMetrics.Default;
        _random = options.Random ?? Random.Shared;
        _nameTag = new("name", options.Name);
    }

    /// <summary>True while this candidate leads (between OnStartedLeading and the cancellation of its token).</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The holder this candidate last observed (empty when released, null before the first read).</summary>
    public string? ObservedLeader
    {
        get
        {
            lock (_gate)
            {
                return _observed?.Record.HolderIdentity;
            }
        }
    }

    /// <summary>
    /// Campaigns until leading, leads until the lease is lost, <paramref name="cancellationToken"/> is cancelled or
    /// OnStartedLeading returns, then stops (and releases when configured). Returns when done; run it again to
    /// campaign again.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The leader elector is already running.");
        }

        try
        {
            await CampaignAndLeadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _running, 0);
        }
    }

    private async Task CampaignAndLeadAsync(CancellationToken cancellationToken)
    {
        _metrics.LeaderStatus.Record(0, _nameTag);
        _metrics.LeaderRenewErrors.Add(0, _nameTag); // the series exists before the first error, so rate() sees it
        if (!await AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        using var leadingCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        SetLeading(true);
        Log.StartedLeading(_logger, _options.Identity, _lock.Description);
        var leading = Task.Run(() => _callbacks.OnStartedLeading(leadingCts.Token), CancellationToken.None);
        try
        {
            await RenewLoopAsync(leading, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Stop acting first; only then may the lease be handed on.
            await leadingCts.CancelAsync().ConfigureAwait(false);
            SetLeading(false);
            await WaitForLeadingAsync(leading).ConfigureAwait(false);
            if (_options.ReleaseOnCancel && (cancellationToken.IsCancellationRequested || leading.IsCompleted))
            {
                await ReleaseAsync().ConfigureAwait(false);
            }

            Log.StoppedLeading(_logger, _options.Identity, _lock.Description);
            try
            {
                _callbacks.OnStoppedLeading?.Invoke();
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(_logger, "OnStoppedLeading", ex);
            }
        }
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        Log.Campaigning(_logger, _options.Identity, _lock.Description);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            var jittered = _options.RetryPeriod * (1 + (_random.NextDouble() * LeaderElectionOptions.JitterFactor));
            if (!await DelayOrChangeAsync(jittered, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The retry wait of a candidate, cut short when the lease changes (a release hands over at once).</summary>
    private async Task<bool> DelayOrChangeAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        string? version;
        lock (_gate)
        {
            version = _observed?.ResourceVersion;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var changed = _lock.WaitForChangeAsync(version, stop.Token);
        var waited = DelayAsync(delay, stop.Token);
        await Task.WhenAny(changed, waited).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await changed.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The wait ended first.
        }

        await waited.ConfigureAwait(false);
        return !cancellationToken.IsCancellationRequested;
    }

    private async Task RenewLoopAsync(Task leading, CancellationToken cancellationToken)
    {
        var lastRenew = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && !leading.IsCompleted)
        {
            await Task.WhenAny(leading, Task.Delay(_options.RetryPeriod, _time, cancellationToken)).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested && !leading.IsCompleted)
            {
                var remaining = _options.RenewDeadline - _time.GetElapsedTime(lastRenew);
                if (remaining <= TimeSpan.Zero)
                {
                    Log.RenewFailed(_logger, _options.Identity, _lock.Description, _options.RenewDeadline.TotalMilliseconds);
                    return;
                }

                var attemptStarted = _time.GetTimestamp();
                using var attemptCts = new CancellationTokenSource(remaining, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(attemptCts.Token, cancellationToken);
                if (await TryAcquireOrRenewAsync(linked.Token).ConfigureAwait(false))
                {
                    lastRenew = attemptStarted;
                    break;
                }

                if (!cancellationToken.IsCancellationRequested)
                {
                    _metrics.LeaderRenewErrors.Add(1, _nameTag); // not a stop cutting the attempt short
                }

                var wait = _options.RenewDeadline - _time.GetElapsedTime(lastRenew);
                await DelayAsync(wait < _options.RetryPeriod ? wait : _options.RetryPeriod, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One attempt: client-go's tryAcquireOrRenew. False on any failure (logged).</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var desired = new LeaderElectionRecord
        {
            HolderIdentity = _options.Identity,
            LeaseDuration = _options.LeaseDuration,
            AcquireTime = now,
            RenewTime = now,
        };

        try
        {
            // Fast path for the leader: update on top of what we wrote last.
            LeaseSnapshot? observed;
            lock (_gate)
            {
                observed = _observed;
            }

            if (observed is not null && observed.Record.HolderIdentity == _options.Identity && IsObservedValid())
            {
                try
                {
                    var renewed = await _lock.UpdateAsync(
                        desired with { AcquireTime = observed.Record.AcquireTime, LeaderTransitions = observed.Record.LeaderTransitions },
                        observed.ResourceVersion,
                        cancellationToken).ConfigureAwait(false);
                    Observe(renewed);
                    return true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.FastRenewFailed(_logger, _lock.Description, ex.Message);
                }
            }

            var current = await _lock.GetAsync(cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                Observe(await _lock.CreateAsync(desired, cancellationToken).ConfigureAwait(false));
                return true;
            }

            Observe(current);
            var holder = current.Record.HolderIdentity;
            if (holder.Length > 0 && holder != _options.Identity && IsObservedValid())
            {
                return false; // someone else holds an unexpired lease
            }

            var record = holder == _options.Identity
                ? desired with { AcquireTime = current.Record.AcquireTime, LeaderTransitions = current.Record.LeaderTransitions }
                : desired with { LeaderTransitions = current.Record.LeaderTransitions + 1 };
            Observe(await _lock.UpdateAsync(record, current.ResourceVersion, cancellationToken).ConfigureAwait(false));
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex)
        {
            Log.AttemptFailed(_logger, _lock.Description, ex.Message);
            return false;
        }
    }

    private void Observe(LeaseSnapshot snapshot)
    {
        string? newLeader = null;
        lock (_gate)
        {
            // The lease's age is measured from when *we* saw it change, by our clock.
            if (_observed is null || _observed.ResourceVersion != snapshot.ResourceVersion)
            {
                _observedAt = _time.GetTimestamp();
            }

            _observed = snapshot;
            var holder = snapshot.Record.HolderIdentity;
            if (holder.Length > 0 && holder != _reportedLeader)
            {
                _reportedLeader = holder;
                newLeader = holder;
            }
        }

        if (newLeader is not null)
        {
            Log.NewLeader(_logger, newLeader, _lock.Description);
            try
            {
                _callbacks.OnNewLeader?.Invoke(newLeader);
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(_logger, "OnNewLeader", ex);
            }
        }
    }

    private bool IsObservedValid()
    {
        lock (_gate)
        {
            return _observed is not null && _time.GetElapsedTime(_observedAt) < _observed.Record.LeaseDuration;
        }
    }

    private async Task ReleaseAsync()
    {
        LeaseSnapshot? observed;
        lock (_gate)
        {
            observed = _observed;
        }

        if (observed is null || observed.Record.HolderIdentity != _options.Identity)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var released = new LeaderElectionRecord
        {
            HolderIdentity = "",
            LeaseDuration = TimeSpan.FromSeconds(1),
            AcquireTime = now,
            RenewTime = now,
            LeaderTransitions = observed.Record.LeaderTransitions,
        };
        try
        {
            // The caller's token is already cancelled; the release gets its own bound.
            using var cts = new CancellationTokenSource(_options.RenewDeadline, _time);
            Observe(await _lock.UpdateAsync(released, observed.ResourceVersion, cts.Token).ConfigureAwait(false));
            Log.Released(_logger, _options.Identity, _lock.Description);
        }
        catch (Exception ex)
        {
            Log.ReleaseFailed(_logger, _lock.Description, ex.Message);
        }
    }

    private async Task WaitForLeadingAsync(Task leading)
    {
        try
        {
            // Bounded: past LeaseDuration others may take over anyway, so waiting longer protects nothing.
            using var cts = new CancellationTokenSource();
            await Task.WhenAny(leading, Task.Delay(_options.LeaseDuration, _time, cts.Token)).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
            if (leading.IsFaulted)
            {
                Log.CallbackFailed(_logger, "OnStartedLeading", leading.Exception!.GetBaseException());
            }
        }
        catch (OperationCanceledException)
        {
            // The delay was cancelled because leading finished.
        }
    }

    private void SetLeading(bool leading)
    {
        _isLeader = leading;
        _metrics.LeaderStatus.Record(leading ? 1 : 0, _nameTag);
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>What a <see cref="LeaderElector"/> calls.</summary>
public sealed class LeaderCallbacks
{
    /// <summary>Runs the leader's work; must stop promptly when its token is cancelled (leadership lost or shutdown).</summary>
    public required Func<CancellationToken, Task> OnStartedLeading { get; init; }

    /// <summary>Called after leading stopped (the work's token was cancelled and the lease released when configured).</summary>
    public Action? OnStoppedLeading { get; init; }

    /// <summary>Called when the observed holder changes (also when it becomes this candidate).</summary>
    public Action<string>? OnNewLeader { get; init; }
}
