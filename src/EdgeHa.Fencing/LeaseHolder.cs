using System.Globalization;
using EdgeHa.Kube;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Fencing;

/// <summary>
/// The holder side of the pair Lease: a collector (or the agent wrapping one) acts only while this says so.
/// The operator grants the Lease by writing this holder's identity into it; the holder confirms with a renewal and
/// acts for <see cref="LeaseTerms.ActingWindow"/> counted from when it SENT that renewal, by its own monotonic
/// clock. If renewals stop succeeding (API server unreachable, partition) it stops acting when that window runs
/// out, which is before the operator may grant anyone else. A planned handover is a request on the Lease: the
/// holder stops acting, records its last published sequence and releases.
/// </summary>
public sealed partial class LeaseHolder : IAsyncDisposable
{
    private readonly IKubernetesClient _client;
    private readonly LeaseHolderOptions _options;
    private readonly Func<long?> _lastPublishedSequence;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    // Serializes every state transition with the delivery of its event, so listeners see the changes in order and a
    // deadline can never be handled before the renewal that armed it.
    private readonly Lock _transitions = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ITimer _deadlineTimer;
    private HoldingState _state = HoldingState.NotHolding("not started");
    private long _deadlineTimestamp;
    private long? _lastApiSuccess;
    private string? _ownResourceVersion;
    private Lease? _cached;
    private int _failures;
    private LeaseTerms _terms;

    /// <param name="client">The API client (the holder's own service account).</param>
    /// <param name="options">Where the Lease is and who we are.</param>
    /// <param name="lastPublishedSequence">The last sequence published during the current holding, or null before the first.</param>
    /// <param name="timeProvider">The holder's clock.</param>
    /// <param name="logger">Logs state changes and API failures.</param>
    public LeaseHolder(IKubernetesClient client, LeaseHolderOptions options, Func<long?> lastPublishedSequence, TimeProvider? timeProvider = null, ILogger<LeaseHolder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lastPublishedSequence);
        options.Validate();
        _client = client;
        _options = options;
        _lastPublishedSequence = lastPublishedSequence;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _terms = options.DefaultTerms;

        // Until the API server first answers, count from now: a holder that never reached it cannot hold the lease.
        _lastApiSuccess = _time.GetTimestamp();
        _deadlineTimer = _time.CreateTimer(_ => OnDeadline(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The current state. Read it before every act that must be fenced.</summary>
    public HoldingState State
    {
        get
        {
            lock (_gate)
            {
                // The deadline is checked on read too, so a late timer callback can never let an act through.
                if (_state.Acting && _time.GetTimestamp() >= _deadlineTimestamp)
                {
                    return _state with { Acting = false, Reason = "lease renewal overdue" };
                }

                return _state;
            }
        }
    }

    /// <summary>
    /// True until the acting window opened by the last successful renewal closes. Unlike <see cref="State"/> it stays
    /// true through a graceful stop (not acting any more, lease not yet released): it is the hard limit for whatever
    /// still runs on this holder's behalf, such as a wrapped process finishing its SIGTERM grace.
    /// </summary>
    public bool InActingWindow
    {
        get
        {
            lock (_gate)
            {
                return _time.GetTimestamp() < _deadlineTimestamp;
            }
        }
    }

    /// <summary>
    /// Where the retries' jitter comes from: the thread-safe shared source (the renew and the watch loop draw from
    /// it concurrently), or a seeded one in a single-threaded simulation that must replay a seed exactly.
    /// </summary>
    internal Random Jitter { get; init; } = Random.Shared;

    /// <summary>The lease terms in force (the operator's, once read from the Lease).</summary>
    public LeaseTerms Terms => _terms;

    /// <summary>How long since the API server last answered us (since this holder was created, before the first answer).</summary>
    public TimeSpan? SinceLastApiSuccess
    {
        get
        {
            lock (_gate)
            {
                return _lastApiSuccess is long at ? _time.GetElapsedTime(at) : null;
            }
        }
    }

    /// <summary>Raised after <see cref="State"/> changed between acting and not acting (or the epoch changed).</summary>
    public event EventHandler<HoldingState>? StateChanged;

    /// <summary>
    /// Awaited after acting stopped and before the lease is released, so that whatever acted (a wrapped process)
    /// has really finished before the grantor may hand the lease on. Not called when the holding simply runs out:
    /// then nothing is released and the grantor waits for expiry.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeReleaseAsync { get; set; }

    /// <summary>
    /// Awaited while still acting, before a graceful release (a planned handover, or shutdown): what acts may finish
    /// the work it has in flight (the collector: the publication whose acknowledgement is on its way) so that the
    /// release records it and the next holder does not repeat it. Cancelled at the end of the acting window or after
    /// <see cref="LeaseHolderOptions.FinishActingTimeout"/>, whichever comes first; acting stops after it either way.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeStopActingAsync { get; set; }

    /// <summary>
    /// Called with the Lease's annotations before each renewal is sent, so that the holder can report its own state
    /// (the agent: its collector's restarts) in the write it makes anyway, at no extra API call. It must leave the
    /// fencing annotations alone.
    /// </summary>
    public Action<IDictionary<string, string>>? ReportOnRenewal { get; set; }

    /// <summary>Renews while holding, follows the Lease through a watch, and releases the holding when cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchAsync(watchStop.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan next;
                try
                {
                    next = await StepAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (!await WaitForWakeAsync(next, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            await watchStop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
            await ReleaseOnShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One round: read the Lease, then renew, release or stand by. Returns how long to wait before the next.</summary>
    internal async Task<TimeSpan> StepAsync(CancellationToken cancellationToken)
    {
        // While holding, renew from the object our last write returned (one PUT per renewal); its compare-and-swap
        // fails if anyone else wrote since, and then we read at once. The watch drops the copy on any foreign write.
        var cached = Interlocked.Exchange(ref _cached, null);
        if (cached is not null && State.Acting)
        {
            if (await RenewAsync(cached, cancellationToken).ConfigureAwait(false) is { } next)
            {
                return next;
            }
        }

        Lease lease;
        try
        {
            lease = await CallAsync(ct => _client.GetAsync<Lease>(_options.LeaseName, _options.Namespace, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            Set(HoldingState.NotHolding("the pair lease does not exist"));
            return _terms.RenewInterval;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            LogApiFailure(_logger, "read", e.Message);
            return Backoff();
        }

        _terms = LeaseTerms.FromLease(lease, _options.DefaultTerms);
        var holder = lease.Spec?.HolderIdentity;
        if (!string.Equals(holder, _options.Identity, StringComparison.Ordinal))
        {
            Set(HoldingState.NotHolding(string.IsNullOrEmpty(holder) ? "the lease is free" : $"the lease is held by {holder}"));
            return _terms.RenewInterval;
        }

        if (lease.Metadata.Annotations?.ContainsKey(FencingAnnotations.HandoverRequested) == true)
        {
            return await ReleaseAsync(lease, "handover requested", cancellationToken).ConfigureAwait(false);
        }

        // A conflict here means someone wrote the Lease since we read it (the operator, or our own earlier write).
        return await RenewAsync(lease, cancellationToken).ConfigureAwait(false) ?? TimeSpan.Zero;
    }

    /// <summary>Renews the holding from <paramref name="lease"/>; null when its compare-and-swap failed (read again).</summary>
    private async Task<TimeSpan?> RenewAsync(Lease lease, CancellationToken cancellationToken)
    {
        var current = State;
        var epoch = ParseLong(lease.Metadata.Annotations, FencingAnnotations.Epoch) ?? 0;
        var starting = !current.Acting || current.Epoch != epoch;
        var previousLast = starting ? PublishedSequence.FromAnnotations(lease.Metadata.Annotations) : current.PreviousLastSequence;
        var terms = _terms;

        // Count the acting window from before the request leaves: the grantor sees the renewal later than that.
        var sentAt = _time.GetTimestamp();
        var spec = lease.Spec ??= new LeaseSpec();
        spec.RenewTime = _time.GetUtcNow();
        if (starting)
        {
            spec.AcquireTime = spec.RenewTime;
        }

        // The duration this renewal is acted under, in the same write: the grantor waits at least this long.
        var annotations = lease.Metadata.Annotations ??= new Dictionary<string, string>();
        annotations[FencingAnnotations.HolderDurationMilliseconds] = ((long)terms.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

        ReportOnRenewal?.Invoke(annotations);

        // A new holder leaves the previous holder's sequence in place until it has published past it itself.
        if (!starting && _lastPublishedSequence() is long last)
        {
            annotations[FencingAnnotations.LastPublishedSequence] = PublishedSequence.Format(last);
        }

        Lease written;
        try
        {
            written = await CallAsync(ct => _client.ReplaceAsync(lease, ct), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _ownResourceVersion, written.Metadata.ResourceVersion);
        }
        catch (ConflictException)
        {
            return null;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            LogApiFailure(_logger, "renew", e.Message);
            return Backoff();
        }

        lock (_transitions)
        {
            var deadline = sentAt + (long)(terms.ActingWindow.TotalSeconds * _time.TimestampFrequency);
            var remaining = deadline - _time.GetTimestamp();
            if (remaining <= 0)
            {
                // The answer came after the window it would have opened had closed (a stalled machine, a slow API
                // server): it grants nothing. Not acting; the next round renews afresh.
                LogLateRenewal(_logger, _options.LeaseName, _time.GetElapsedTime(sentAt).TotalMilliseconds, terms.ActingWindow.TotalMilliseconds);
                SetLocked(HoldingState.NotHolding("the renewal returned after its acting window had closed"));
                return TimeSpan.Zero;
            }

            lock (_gate)
            {
                _deadlineTimestamp = deadline;
                _lastApiSuccess = _time.GetTimestamp();
            }

            _failures = 0;
            Volatile.Write(ref _cached, written);
            SetLocked(new HoldingState(true, epoch, previousLast, "holding the lease"));
            _deadlineTimer.Change(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
        }

        return terms.RenewInterval;
    }

    private async Task<TimeSpan> ReleaseAsync(Lease lease, string why, CancellationToken cancellationToken)
    {
        // Let the work in flight finish while the holding still covers it, then stop acting; only then tell the
        // grantor it may hand the lease on.
        var holding = State;
        if (holding.Acting && BeforeStopActingAsync is { } finish)
        {
            await FinishActingAsync(finish, cancellationToken).ConfigureAwait(false);
        }

        var last = holding.Acting ? _lastPublishedSequence() : null;
        Set(HoldingState.NotHolding(why, graceful: true));
        if (BeforeReleaseAsync is { } beforeRelease)
        {
            await beforeRelease(cancellationToken).ConfigureAwait(false);
        }

        var annotations = lease.Metadata.Annotations ??= new Dictionary<string, string>();
        if (last is long sequence)
        {
            annotations[FencingAnnotations.LastPublishedSequence] = PublishedSequence.Format(sequence);
        }

        // The release record: who released which epoch, with its last sequence, in one compare-and-swap. Only this
        // lets the grantor hand the lease on without waiting for it to expire.
        annotations.Remove(FencingAnnotations.HandoverRequested);
        annotations[FencingAnnotations.ReleasedBy] = _options.Identity;
        annotations[FencingAnnotations.ReleasedEpoch] = (ParseLong(annotations, FencingAnnotations.Epoch) ?? holding.Epoch).ToString(CultureInfo.InvariantCulture);
        lease.Spec!.HolderIdentity = null;
        try
        {
            await CallAsync(ct => _client.ReplaceAsync(lease, ct), cancellationToken).ConfigureAwait(false);
            LogReleased(_logger, _options.LeaseName, why);
            return _terms.RenewInterval;
        }
        catch (ConflictException)
        {
            return TimeSpan.Zero;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            LogApiFailure(_logger, "release", e.Message);
            return Backoff();
        }
    }

    private async Task FinishActingAsync(Func<CancellationToken, Task> finish, CancellationToken cancellationToken)
    {
        long remaining;
        lock (_gate)
        {
            remaining = _deadlineTimestamp - _time.GetTimestamp();
        }

        var limit = TimeSpan.FromSeconds(Math.Max(0, (double)remaining / _time.TimestampFrequency));
        using var timeout = new CancellationTokenSource(limit < _options.FinishActingTimeout ? limit : _options.FinishActingTimeout, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await finish(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested)
        {
            // Out of time: release with what was finished; the next holder repeats the rest (at least once).
        }
    }

    private async Task ReleaseOnShutdownAsync()
    {
        if (!State.Acting)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        try
        {
            var lease = await _client.GetAsync<Lease>(_options.LeaseName, _options.Namespace, timeout.Token).ConfigureAwait(false);
            if (string.Equals(lease.Spec?.HolderIdentity, _options.Identity, StringComparison.Ordinal))
            {
                await ReleaseAsync(lease, "shutting down", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            // Not released: the operator waits for the lease to expire instead. We stop acting regardless.
            LogApiFailure(_logger, "release on shutdown", e.Message);
        }
        finally
        {
            Set(HoldingState.NotHolding("shutting down", graceful: true));
        }
    }

    /// <summary>Follows the Lease so that grants and handover requests are acted on at once, not at the next renewal.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var options = new WatchOptions { FieldSelector = $"metadata.name={_options.LeaseName}", TimeoutSeconds = 60 };
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _client.WatchAsync<Lease>(_options.Namespace, options, cancellationToken).ConfigureAwait(false))
                {
                    // Our own renewals come back as events too; waking on them would renew back to back.
                    var own = change.Type == WatchEventType.Modified
                        && change.Object.Metadata.ResourceVersion is { } version
                        && version == Volatile.Read(ref _ownResourceVersion);
                    if (!own && change.Type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                    {
                        Volatile.Write(ref _cached, null);
                        Wake();
                    }

                    attempt = 0;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or IOException or TimeoutException)
            {
                LogApiFailure(_logger, "watch", e.Message);
            }

            // The renew loop keeps us correct without the watch; this only bounds how fast a broken watch returns.
            try
            {
                await Task.Delay(WatchRetry.Backoff(++attempt, Jitter), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits for the delay or an early wake-up from the watch; false when cancelled.</summary>
    private async Task<bool> WaitForWakeAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sleep = Task.Delay(delay, _time, either.Token);
        var wake = _wake.WaitAsync(either.Token);
        await Task.WhenAny(sleep, wake).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(sleep, wake).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        return !cancellationToken.IsCancellationRequested;
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending.
        }
    }

    private void OnDeadline()
    {
        lock (_transitions)
        {
            long remaining;
            lock (_gate)
            {
                remaining = _deadlineTimestamp - _time.GetTimestamp();
            }

            if (!_state.Acting)
            {
                return;
            }

            if (remaining > 0)
            {
                // Timers may fire a little early: wait for the rest rather than let the holding outlive its window.
                _deadlineTimer.Change(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return;
            }

            LogSelfFenced(_logger, _options.LeaseName);
            SetLocked(HoldingState.NotHolding("lease renewal overdue: stopped acting before the lease could expire"));
        }
    }

    private void Set(HoldingState next)
    {
        lock (_transitions)
        {
            SetLocked(next);
        }
    }

    /// <summary>Changes the state and raises <see cref="StateChanged"/>; the caller holds <see cref="_transitions"/>.</summary>
    private void SetLocked(HoldingState next)
    {
        bool changed;
        lock (_gate)
        {
            changed = _state.Acting != next.Acting || _state.Epoch != next.Epoch;
            _state = next;
        }

        if (!next.Acting)
        {
            Volatile.Write(ref _cached, null);
        }

        if (changed)
        {
            LogStateChanged(_logger, _options.Identity, next.Acting, next.Epoch, next.Reason);
            StateChanged?.Invoke(this, next);
        }
    }

    /// <summary>The wait after a failed call: exponential with jitter, capped at half the renew interval so a holding can still be saved.</summary>
    private TimeSpan Backoff()
    {
        var policy = new KubeRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = _terms.RenewInterval / 2 };
        return policy.Backoff(++_failures, Jitter);
    }

    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var limit = RequestTimeout;
        using var deadline = new CancellationTokenSource(limit, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var result = await call(timeout.Token).ConfigureAwait(false);
            MarkApiSuccess();
            return result;
        }
        catch (Exception e) when (e is NotFoundException or ConflictException)
        {
            // A definite answer about the Lease itself: the server is reachable and lets us in. 401, 403, 429 and 5xx
            // are failures like a timeout: a holder that gets only those cannot renew and must look unhealthy.
            MarkApiSuccess();
            throw;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the API call did not finish within {limit.TotalMilliseconds} ms");
        }
    }

    /// <summary>The per-call timeout: the operator's terms bound it, so that one failed renewal still leaves time for the next.</summary>
    private TimeSpan RequestTimeout
    {
        get
        {
            var fromTerms = _terms.EffectiveRequestTimeout;
            return fromTerms < _options.RequestTimeout ? fromTerms : _options.RequestTimeout;
        }
    }

    private static KubeRetryPolicy WatchRetry { get; } = new() { BaseDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(30) };

    private void MarkApiSuccess()
    {
        lock (_gate)
        {
            _lastApiSuccess = _time.GetTimestamp();
        }
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is KubernetesApiException or HttpRequestException or IOException or TimeoutException;

    private static long? ParseLong(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var text)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    public async ValueTask DisposeAsync()
    {
        await _deadlineTimer.DisposeAsync().ConfigureAwait(false);
        _wake.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Holder {Identity}: acting={Acting} epoch={Epoch} ({Reason})")]
    private static partial void LogStateChanged(ILogger logger, string identity, bool acting, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease}: renewal overdue, stopped acting before the lease could expire")]
    private static partial void LogSelfFenced(ILogger logger, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease {Lease}: renewal answered after {Elapsed} ms, past its {Window} ms acting window; not acting on it")]
    private static partial void LogLateRenewal(ILogger logger, string lease, double elapsed, double window);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease {Lease}: released ({Reason})")]
    private static partial void LogReleased(ILogger logger, string lease, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease API call failed ({Operation}): {Error}")]
    private static partial void LogApiFailure(ILogger logger, string operation, string error);
}
