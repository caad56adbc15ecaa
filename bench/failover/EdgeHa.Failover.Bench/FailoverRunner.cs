using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using EdgeHa.Kube;

namespace EdgeHa.Failover.Bench;

/// <summary>One measured failover: all times in milliseconds.</summary>
/// <param name="From">The node that failed.</param>
/// <param name="To">The node promoted.</param>
/// <param name="SwitchMs">Decision bound (the threshold-completing failed probe answered) to standby acting AND the VIP reaching it.</param>
/// <param name="ActingMs">Decision bound to the new holder confirming its lease.</param>
/// <param name="VipMs">Decision bound to a connection through the VIP reaching the new pod.</param>
/// <param name="TotalMs">Failure injected to the switch complete.</param>
/// <param name="OperatorSwitchMs">The operator's own status.lastTransition.switchMilliseconds, null when it was not written in time.</param>
/// <param name="DecisionSwitchMs">status.lastTransition.time (the decision) to the switch complete, null when that time has only second precision.</param>
internal sealed record FailoverSample(string From, string To, double SwitchMs, double ActingMs, double VipMs, double TotalMs, long? OperatorSwitchMs, double? DecisionSwitchMs);

/// <summary>
/// Injects a failure into the active pod of a pair (its health endpoint answers 503) and times the switch: when the
/// standby's <c>LeaseHolder</c> starts acting, and when a TCP connection through the VIP (the loopback load
/// balancer's listener) is answered by the new pod. Each failover goes the other way, since the failed pod is
/// healed afterwards and failback is Manual.
/// </summary>
internal sealed class FailoverRunner(BenchEnvironment env, string pairName, int vipIndex, int failureThreshold)
{
    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Waits until the pair has a confirmed active node and a healthy standby; returns both pods.</summary>
    public async Task<(BenchPod Active, BenchPod Standby)> WaitSteadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        string last = "no status";
        while (watch.Elapsed < timeout)
        {
            try
            {
                var pair = await env.GetPairAsync(pairName, cancellationToken);
                var s = pair.Status;
                var active = s?.ActiveNode;
                var standby = active == pair.Spec.PrimaryNode ? pair.Spec.StandbyNode : pair.Spec.PrimaryNode;
                var standbyHealthy = s?.Nodes?.FirstOrDefault(n => n.Name == standby)?.Healthy == true;
                var activePod = PodOn(active);
                var standbyPod = PodOn(standby);
                last = $"active {active ?? "none"}, switch recorded {s?.LastTransition?.SwitchMilliseconds is not null}, standby healthy {standbyHealthy}, pods {activePod?.Pod ?? "-"}/{standbyPod?.Pod ?? "-"}";
                if (active is not null && s!.LastTransition?.SwitchMilliseconds is not null && standbyHealthy
                    && activePod is { Acting: true } && standbyPod is { Acting: false } && await ThroughVipAsync(cancellationToken) == activePod.Pod)
                {
                    return (activePod, standbyPod);
                }
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
            {
                last = e.Message;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"pair {pairName} not steady within {timeout.TotalSeconds:F0} s: {last}");
    }

    /// <summary>One failover of the active side; the failed pod is healed before returning.</summary>
    public async Task<FailoverSample> FailOverAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (active, standby) = await WaitSteadyAsync(timeout, cancellationToken);
        var injected = Stopwatch.GetTimestamp();
        active.StartFailing(failureThreshold);
        try
        {
            long vipAt = 0;
            long actingAt = 0;
            var watch = Stopwatch.StartNew();
            while (vipAt == 0 || actingAt == 0)
            {
                if (watch.Elapsed > timeout)
                {
                    throw new TimeoutException($"pair {pairName}: no switch from {active.Node} to {standby.Node} within {timeout.TotalSeconds:F0} s (acting {actingAt != 0}, VIP {vipAt != 0})");
                }

                if (actingAt == 0 && Interlocked.Read(ref standby.ActingSinceTimestamp) is var since and not 0)
                {
                    actingAt = since;
                }

                if (vipAt == 0 && await ThroughVipAsync(cancellationToken) == standby.Pod)
                {
                    vipAt = Stopwatch.GetTimestamp();
                }

                if (vipAt == 0)
                {
                    await Task.Delay(1, cancellationToken);
                }
            }

            // The operator cannot have decided before the pod answered the probe that completed the threshold, so
            // that instant is a lower bound of the decision time: the switch measured from it is an upper bound.
            var decided = active.ThresholdFailureTimestamp;
            if (decided == 0)
            {
                decided = injected;
            }

            var done = Math.Max(vipAt, actingAt);
            // The operator runs on this machine, so its wall clock is ours: place "done" on the wall clock.
            var doneWall = TimeProvider.System.GetUtcNow() - Stopwatch.GetElapsedTime(done);
            var (operatorSwitch, decidedWall) = await OperatorSwitchAsync(standby.Node, cancellationToken);
            double? fromDecision = decidedWall is { } t && t.Ticks % TimeSpan.TicksPerSecond != 0 ? (doneWall - t).TotalMilliseconds : null;
            return new FailoverSample(active.Node, standby.Node, Ms(decided, done), Ms(decided, actingAt), Ms(decided, vipAt), Ms(injected, done), operatorSwitch, fromDecision);
        }
        finally
        {
            active.StopFailing();
        }
    }

    private async Task<(long? SwitchMs, DateTimeOffset? DecidedAt)> OperatorSwitchAsync(string to, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                var t = (await env.GetPairAsync(pairName, cancellationToken)).Status?.LastTransition;
                if (t?.To == to && t.SwitchMilliseconds is long ms)
                {
                    return (ms, t.Time);
                }
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or TimeoutException)
            {
            }

            await Task.Delay(20, cancellationToken);
        }

        return (null, null);
    }

    private BenchPod? PodOn(string? node) =>
        node is null ? null : BenchPod.Running.Values.FirstOrDefault(p => p.Node == node && p.Pod.StartsWith(pairName + "-" + node + "-", StringComparison.Ordinal));

    /// <summary>Connects through the VIP and returns the name the answering pod greets with, or null.</summary>
    private async Task<string?> ThroughVipAsync(CancellationToken cancellationToken)
    {
        var endpoint = env.Cluster.LoadBalancer?.Resolve(BenchEnvironment.VipOf(vipIndex).Vip, 502);
        if (endpoint is null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            var buffer = new byte[256];
            var total = 0;
            while (total < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
                if (n == 0)
                {
                    break;
                }

                total += n;
                if (buffer[total - 1] == (byte)'\n')
                {
                    break;
                }
            }

            var text = Encoding.ASCII.GetString(buffer, 0, total).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }
}
