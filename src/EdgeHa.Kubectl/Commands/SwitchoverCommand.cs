using System.Text.Json.Nodes;
using EdgeHa.Api;
using EdgeHa.Kube;
using EdgeHa.Kubectl.Output;

namespace EdgeHa.Kubectl.Commands;

/// <summary>
/// <c>kubectl edgeha switchover PAIR --to NODE</c>: checks the request against the pair's spec and status, then
/// sets spec.failover.switchoverTo (and the force annotation) with a merge patch; the operator acts on it once
/// and acknowledges it in status.switchover. <c>--wait</c> polls the status until NODE is active.
/// </summary>
internal static class SwitchoverCommand
{
    /// <summary>Asks the operator to switch even though the target looks unable to serve.</summary>
    public const string ForceAnnotation = RedundantPair.SwitchoverForceAnnotation;

    /// <summary>The operator's note that it acted on a spec request (see <see cref="RedundantPair.SwitchoverHandledAnnotation"/>).</summary>
    public const string HandledAnnotation = RedundantPair.SwitchoverHandledAnnotation;

    /// <summary>How often --wait reads the status.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(CommandContext ctx, string pairName, string to, bool force, TimeSpan? wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var ns = ctx.RequiredNamespace;
        var pair = await PairClient.GetAsync(ctx.Client, ns, pairName, cancellationToken);
        var spec = pair.Spec;
        var status = pair.Status;
        if (to != spec.PrimaryNode && to != spec.StandbyNode)
        {
            throw new CommandFailedException(
                $"\"{to}\" is not a node of redundantpair {ns}/{pairName}: use --to {spec.PrimaryNode} (primary) or --to {spec.StandbyNode} (standby)");
        }

        if (status?.ActiveNode == to)
        {
            throw new CommandFailedException($"{to} is already the active node of redundantpair {ns}/{pairName}; nothing to do");
        }

        var problems = Problems(pair, to);
        if (problems.Count > 0 && !force)
        {
            throw new CommandFailedException(
                $"refusing to switch redundantpair {ns}/{pairName} to {to}: {string.Join("; ", problems)}. "
                + "Fix that first (see: kubectl edgeha status " + pairName + "), or repeat with --force to switch anyway");
        }

        if (problems.Count > 0)
        {
            await ctx.Error.WriteLineAsync($"warning: forcing the switchover although {string.Join("; ", problems)}");
        }

        var previousAck = status?.Switchover?.AcknowledgedAt;
        await PairClient.PatchAsync(ctx.Client, ns, pairName, KubePatch.Merge(RequestPatch(pair, to, force)), cancellationToken);
        await ctx.Out.WriteLineAsync($"{PairClient.Display(pairName)} switchover to {to} requested{(force ? " (forced)" : "")}");
        if (wait is not { } timeout)
        {
            await ctx.Out.WriteLineAsync($"Follow it with: kubectl edgeha status {pairName} -n {ns}");
            return ExitCodes.Ok;
        }

        return await WaitAsync(ctx, ns, pairName, to, previousAck, timeout, cancellationToken);
    }

    /// <summary>
    /// The merge patch of a request: spec.failover.switchoverTo, the force annotation set or removed (a stale one
    /// must not force this request), the operator's handled note removed (so asking for the same node again is a new
    /// request), and a request annotation naming another node removed (it would contradict this one).
    /// </summary>
    internal static JsonObject RequestPatch(RedundantPair pair, string to, bool force)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["failover"] = new JsonObject { ["switchoverTo"] = to } },
        };
        var existing = pair.Metadata.Annotations ?? new Dictionary<string, string>();
        var annotations = new JsonObject();
        if (force)
        {
            annotations[ForceAnnotation] = "true";
        }
        else if (existing.ContainsKey(ForceAnnotation))
        {
            annotations[ForceAnnotation] = null;
        }

        if (existing.ContainsKey(HandledAnnotation))
        {
            annotations[HandledAnnotation] = null;
        }

        if (existing.TryGetValue(RedundantPair.SwitchoverAnnotation, out var other) && other != to)
        {
            annotations[RedundantPair.SwitchoverAnnotation] = null;
        }

        if (annotations.Count > 0)
        {
            patch["metadata"] = new JsonObject { ["annotations"] = annotations };
        }

        return patch;
    }

    /// <summary>Why the target cannot take over by the status (empty when it can): paused, not ready, unhealthy (hot standby), unknown.</summary>
    internal static List<string> Problems(RedundantPair pair, string to)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var problems = new List<string>();
        if (pair.Spec.Paused)
        {
            problems.Add($"the pair is paused, so the operator acts on no request until: kubectl edgeha resume {pair.Metadata.Name}");
        }

        var node = pair.Status?.Nodes?.FirstOrDefault(n => n.Name == to);
        var note = string.IsNullOrEmpty(node?.Message) ? "" : $" ({node.Message})";
        if (node?.Ready is null)
        {
            problems.Add($"the status reports no health for {to} yet");
        }
        else if (node.Ready == false)
        {
            problems.Add($"{to} is not ready{note}");
        }
        else if (pair.Spec.StandbyMode == StandbyMode.Hot && node.Healthy == false)
        {
            // A cold standby runs no collector until it is promoted, so only a hot one has a health verdict to check.
            var failures = node.ConsecutiveFailures is { } f ? $"{f} consecutive failed probes" : "failing its health check";
            problems.Add($"{to} is unhealthy: {failures}{note}");
        }

        return problems;
    }

    private static async Task<int> WaitAsync(CommandContext ctx, string ns, string pairName, string to, DateTimeOffset? previousAck, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = ctx.Time.GetTimestamp();
        RedundantPair pair;
        while (true)
        {
            pair = await PairClient.GetAsync(ctx.Client, ns, pairName, cancellationToken);
            var status = pair.Status;
            var ack = status?.Switchover;
            var elapsed = ctx.Time.GetElapsedTime(started);
            if (status?.ActiveNode == to && status.Phase != PairPhase.FailingOver)
            {
                var last = status.LastTransition;
                var detail = last is null ? "" : $" (reason {last.Reason ?? "-"}, switch {(last.SwitchMilliseconds is { } s ? HumanDuration.Milliseconds(s) : "-")})";
                await ctx.Out.WriteLineAsync(
                    $"{to} is active in redundantpair {ns}/{pairName} at epoch {status.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, "
                    + $"{HumanDuration.Milliseconds((long)elapsed.TotalMilliseconds)} after the request{detail}");
                return ExitCodes.Ok;
            }

            if (ack is { AcknowledgedAt: { } at, Result: { } result } && at != previousAck && ack.RequestedTo == to
                && result is not ("Started" or "Succeeded" or "AlreadyActive"))
            {
                throw new CommandFailedException(
                    $"the operator did not switch redundantpair {ns}/{pairName} to {to}: {result}. See why with: kubectl edgeha events {pairName} -n {ns}");
            }

            if (elapsed >= timeout)
            {
                break;
            }

            var remaining = timeout - elapsed;
            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, ctx.Time, cancellationToken);
        }

        throw new CommandFailedException(
            $"timed out after {HumanDuration.Milliseconds((long)timeout.TotalMilliseconds)} waiting for {to} to become active in redundantpair {ns}/{pairName} "
            + $"(active: {pair.Status?.ActiveNode ?? "none"}, phase: {pair.Status?.Phase?.ToString() ?? "unknown"}). "
            + $"The request stays in spec.failover.switchoverTo; check: kubectl edgeha status {pairName} -n {ns}");
    }
}
