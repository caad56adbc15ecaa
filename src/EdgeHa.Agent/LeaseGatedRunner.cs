using EdgeHa.Fencing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Agent;

/// <summary>
/// Runs a third-party collector only while the lease is held. Start on a confirmed holding; on a planned handover
/// stop gracefully BEFORE the lease is released; when the holding runs out (renewals failing), kill at once: the
/// holder's acting window already ends a margin before the grantor could hand the lease on. A collector that exits
/// while the lease is held is started again.
/// </summary>
internal sealed partial class LeaseGatedRunner
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    private readonly LeaseHolder _holder;
    private readonly ChildProcess _child;
    private readonly TimeSpan _stopGrace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    public LeaseGatedRunner(LeaseHolder holder, ChildProcess child, TimeSpan stopGrace, TimeProvider? time = null, ILogger? logger = null)
    {
        _holder = holder;
        _child = child;
        _stopGrace = stopGrace;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _holder.StateChanged += OnStateChanged;
        _holder.BeforeReleaseAsync = ct => _child.StopAsync(_stopGrace, ct);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var holding = _holder.RunAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(RestartDelay, _time, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_holder.State.Acting && !_child.IsRunning)
                    {
                        LogRestart(_logger);
                        _child.Start();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the holder releases below, after stopping the child through BeforeReleaseAsync.
        }
        finally
        {
            await holding.ConfigureAwait(false);
            _child.KillNow();
        }
    }

    private void OnStateChanged(object? sender, HoldingState state)
    {
        lock (_gate)
        {
            if (state.Acting)
            {
                LogStart(_logger, state.Epoch);
                _child.Start();
            }
            else if (!state.Graceful)
            {
                // The holding ran out or was taken away: no time for a graceful stop, the time left before the
                // grantor may move on is the clock-skew margin.
                LogFenced(_logger, state.Reason);
                _child.KillNow();
            }

            // A graceful stop (handover, shutdown) happens in BeforeReleaseAsync, before the release is written.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Holding the lease (epoch {Epoch}): starting the collector")]
    private static partial void LogStart(ILogger logger, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Holding lost ({Reason}): collector killed")]
    private static partial void LogFenced(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The collector exited while the lease is held: starting it again")]
    private static partial void LogRestart(ILogger logger);
}
