using System.Globalization;
using EdgeHa.Fencing;
using EdgeHa.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Agent;

/// <summary>
/// Runs a third-party collector only while the lease is held. Start on a confirmed holding; on a planned handover
/// stop gracefully BEFORE the lease is released; when the holding runs out (renewals failing), kill at once: the
/// holder's acting window already ends a margin before the grantor could hand the lease on. A watchdog enforces the
/// window on its own, whatever events did or did not arrive. A collector that exits while the lease is held is
/// started again after a back-off that doubles per crash, as kubelet's CrashLoopBackOff. Kubelet sees none of this
/// (the agent's container keeps running), so the restarts and a back-off in progress go on the Lease with every
/// renewal (<see cref="FencingAnnotations.CollectorRestarts"/>), where the operator reads them for the pair's status.
/// </summary>
internal sealed partial class LeaseGatedRunner : IDisposable
{
    /// <summary>How often the watchdog checks the window: a collector outlives its right to act by at most this.</summary>
    public static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(50);

    private readonly LeaseHolder _holder;
    private readonly ChildProcess _child;
    private readonly TimeSpan _stopGrace;
    private readonly RestartBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly ITimer _watchdog;
    private long? _restartAt;
    private string? _backOff;

    public LeaseGatedRunner(LeaseHolder holder, ChildProcess child, TimeSpan stopGrace, TimeProvider? time = null, ILogger? logger = null, RestartBackoff? backoff = null)
    {
        _holder = holder;
        _child = child;
        _stopGrace = stopGrace;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _backoff = backoff ?? RestartBackoff.CrashLoop;
        _holder.StateChanged += OnStateChanged;
        _holder.BeforeReleaseAsync = ct => _child.StopAsync(_stopGrace, ct);
        _holder.ReportOnRenewal = Report;
        _watchdog = _time.CreateTimer(_ => Watch(), null, WatchdogPeriod, WatchdogPeriod);
        if (DeathSignal.Wrapper is null)
        {
            LogNoDeathSignal(_logger);
        }
    }

    /// <summary>Consecutive crashes of the collector while the lease was held (0 once it ran long enough).</summary>
    public int CrashCount { get; private set; }

    /// <summary>How often the collector was started again after it exited, during the current holding.</summary>
    public int Restarts { get; private set; }

    /// <summary>The waiting message of a back-off in progress, as <see cref="FencingAnnotations.CollectorBackOff"/> carries it.</summary>
    internal static string BackOffMessage(TimeSpan delay, int? exitCode, int crashes) =>
        string.Create(CultureInfo.InvariantCulture,
            $"back-off {Math.Max(1, Math.Ceiling(delay.TotalSeconds)):0}s restarting the collector (exit code {(exitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "unknown")}, {crashes} {(crashes == 1 ? "crash" : "crashes")} in a row)");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _holder.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _child.KillNow();
        }
    }

    public void Dispose() => _watchdog.Dispose();

    /// <summary>Kills a collector that has lost its right to act; restarts one that exited while it still has it.</summary>
    private void Watch()
    {
        lock (_gate)
        {
            var state = _holder.State;
            if (_child.IsRunning)
            {
                // During a graceful stop the state no longer acts but the lease is still ours until its window closes.
                if (!_holder.InActingWindow || !(state.Acting || state.Graceful))
                {
                    LogWatchdogKill(_logger, state.Reason);
                    _child.KillNow();
                }

                return;
            }

            if (!state.Acting || _child.Starts == 0)
            {
                _restartAt = null;
                return;
            }

            var now = _time.GetTimestamp();
            if (_restartAt is not long at)
            {
                var ran = TimeSpan.FromSeconds((double)(TimeProvider.System.GetTimestamp() - _child.StartedAt) / TimeProvider.System.TimestampFrequency);
                CrashCount = ran >= _backoff.ResetAfter ? 1 : CrashCount + 1;
                var delay = _backoff.Delay(CrashCount, Random.Shared.NextDouble());
                _restartAt = now + (long)(delay.TotalSeconds * _time.TimestampFrequency);
                _backOff = BackOffMessage(delay, _child.LastExitCode, CrashCount);
                LogCrashLoop(_logger, _child.LastExitCode, CrashCount, delay.TotalMilliseconds);
                return;
            }

            if (now >= at)
            {
                _restartAt = null;
                _backOff = null;
                Restarts++;
                LogRestart(_logger, CrashCount);
                _child.Start();
            }
        }
    }

    private void OnStateChanged(object? sender, HoldingState state)
    {
        lock (_gate)
        {
            if (state.Acting)
            {
                LogStart(_logger, state.Epoch);
                Reset();
                _child.Start();
                return;
            }

            // What the next holding reports starts from nothing (its first renewal is sent before this handler runs).
            Reset();
            if (!state.Graceful)
            {
                // The holding ran out or was taken away: no time for a graceful stop, the time left before the
                // grantor may move on is the clock-skew margin.
                LogFenced(_logger, state.Reason);
                _child.KillNow();
            }

            // A graceful stop (handover, shutdown) happens in BeforeReleaseAsync, before the release is written.
        }
    }

    /// <summary>Writes the report onto the Lease's annotations of a renewal about to be sent (called by the holder).</summary>
    internal void Report(IDictionary<string, string> annotations)
    {
        lock (_gate)
        {
            annotations[FencingAnnotations.CollectorRestarts] = Restarts.ToString(CultureInfo.InvariantCulture);
            if (_backOff is { } message)
            {
                annotations[FencingAnnotations.CollectorBackOff] = message;
            }
            else
            {
                annotations.Remove(FencingAnnotations.CollectorBackOff);
            }
        }
    }

    private void Reset()
    {
        _restartAt = null;
        _backOff = null;
        CrashCount = 0;
        Restarts = 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Holding the lease (epoch {Epoch}): starting the collector")]
    private static partial void LogStart(ILogger logger, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Holding lost ({Reason}): collector killed")]
    private static partial void LogFenced(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watchdog: the collector ran past its right to act ({Reason}): killed")]
    private static partial void LogWatchdogKill(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CrashLoopBackOff: the collector exited (code {ExitCode}) while the lease is held, crash {Crashes} in a row; starting it again in {DelayMs:0} ms")]
    private static partial void LogCrashLoop(ILogger logger, int? exitCode, int crashes, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the collector again (crash {Crashes} in a row)")]
    private static partial void LogRestart(ILogger logger, int crashes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "setpriv (util-linux) not found: the collector would outlive an agent that is killed with SIGKILL")]
    private static partial void LogNoDeathSignal(ILogger logger);
}
