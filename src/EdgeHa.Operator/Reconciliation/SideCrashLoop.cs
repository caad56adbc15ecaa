using System.Globalization;
using System.Text.Json;
using EdgeHa.Fencing;
using EdgeHa.Kube.Models;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// The one place that says how often a side's collector restarted and whether it is crash-looping, and how status
/// tells it. Two sources, because a collector runs in one of two ways: as the pod's own container, whose restarts
/// kubelet reports (restartCount, waiting reason CrashLoopBackOff with its back-off message); or wrapped by
/// edgeha-agent, whose container keeps running while the agent restarts the collector itself, so kubelet sees
/// nothing and the agent reports on the pair Lease with its renewals (<see cref="FencingAnnotations.CollectorRestarts"/>,
/// <see cref="FencingAnnotations.CollectorBackOff"/>), read only for the pod that holds the Lease. Pure: the reconciler
/// passes the pod and the Lease. Fencing and failover do not depend on it: an active that crash-loops fails its probes
/// (or its pod is not Ready) and the engine fails it over as any failed active.
/// </summary>
/// <param name="Restarts">Restarts of the collector in its current pod (kubelet's count plus the agent's).</param>
/// <param name="BackOff">While the collector exited and waits to be started again, what it waits on; else null.</param>
internal sealed record SideCrashLoop(int Restarts, string? BackOff)
{
    /// <summary>The node reason while its collector is in back-off (kubelet's waiting reason).</summary>
    public const string CrashLoopBackOff = "CrashLoopBackOff";

    /// <summary>The Degraded reason when the side that should take over is not eligible because it crash-loops.</summary>
    public const string StandbyCrashLooping = "StandbyCrashLooping";

    private const int MaxReportLength = 256;

    public bool CrashLooping => BackOff is not null;

    /// <summary>The node's reason: <see cref="CrashLoopBackOff"/> while it is, else null.</summary>
    public string? Reason => CrashLooping ? CrashLoopBackOff : null;

    /// <summary>What the pod's container statuses and, for the Lease's holder, the agent's report say; null without a pod.</summary>
    public static SideCrashLoop? Of(Pod? pod, Lease? lease)
    {
        if (pod is null)
        {
            return null;
        }

        var restarts = 0;
        string? backOff = null;
        foreach (var container in pod.Status?.ContainerStatuses ?? [])
        {
            restarts += container.RestartCount;
            if (backOff is null && Property(container.State, "waiting") is { } waiting && Text(waiting, "reason") == CrashLoopBackOff)
            {
                var last = container.Extra?.TryGetValue("lastState", out var lastState) == true ? Property(lastState, "terminated") : null;
                var exited = last is { } terminated && terminated.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number
                    ? $"exited with code {code.GetInt32().ToString(CultureInfo.InvariantCulture)}"
                    : "exited";
                backOff = $"container {container.Name} {exited}, restarted {Times(container.RestartCount)}"
                    + (Text(waiting, "message") is { Length: > 0 } message ? "; " + Truncate(message) : "");
            }
        }

        // The agent's report belongs to the holder: another pod's leftovers (a grant clears them) are not this pod's.
        var annotations = lease?.Metadata.Annotations;
        if (annotations is not null && lease!.Spec?.HolderIdentity is { Length: > 0 } holder && holder == pod.Metadata.Name
            && annotations.TryGetValue(FencingAnnotations.CollectorRestarts, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var agentRestarts))
        {
            restarts += agentRestarts;
            if (backOff is null && annotations.TryGetValue(FencingAnnotations.CollectorBackOff, out var reported) && !string.IsNullOrWhiteSpace(reported))
            {
                backOff = $"edgeha-agent restarted the collector {Times(agentRestarts)}; {Truncate(reported)}";
            }
        }

        return new SideCrashLoop(restarts, backOff);
    }

    /// <summary>The node's message: the crash loop first (it is why the node cannot serve), then the engine's verdict.</summary>
    public string Describe(string verdict) =>
        BackOff is null ? verdict
        : verdict == "ok" ? $"{CrashLoopBackOff}: {BackOff}"
        : $"{CrashLoopBackOff}: {BackOff}; {verdict}";

    /// <summary>
    /// The engine's conditions with the crash loops named. The engine sees a crash-looping side only as a pod that is
    /// not Ready or as failing probes: Degraded because the standby is not eligible becomes
    /// <see cref="StandbyCrashLooping"/> when the standby crash-loops; any other Degraded, and a Ready=False for a
    /// failing active, get the crash loops they concern added to their message (their reasons say what the engine
    /// does about it, so they stay).
    /// </summary>
    public static IReadOnlyList<F.ConditionValue> Name(IReadOnlyList<F.ConditionValue> conditions, string? activeNode, IReadOnlyDictionary<string, SideCrashLoop> crashLooping)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(crashLooping);
        var looping = crashLooping.Where(s => s.Value.CrashLooping).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        if (looping.Count == 0)
        {
            return conditions;
        }

        string Note(IEnumerable<KeyValuePair<string, SideCrashLoop>> sides) =>
            string.Concat(sides.Select(s => $"; {s.Key} is crash-looping: {s.Value.BackOff}"));

        var standby = looping.FirstOrDefault(s => activeNode is not null && s.Key != activeNode);
        var named = new List<F.ConditionValue>(conditions.Count);
        foreach (var condition in conditions)
        {
            if (condition is { Type: F.ConditionTypes.Degraded, Status: F.ConditionValue.True, Reason: "StandbyNotEligible" } && standby.Value is { } loop)
            {
                named.Add(condition with { Reason = StandbyCrashLooping, Message = $"standby {standby.Key} is crash-looping: {loop.BackOff}" });
            }
            else if (condition is { Type: F.ConditionTypes.Degraded, Status: F.ConditionValue.True })
            {
                named.Add(condition with { Message = condition.Message + Note(looping) });
            }
            else if (condition is { Type: F.ConditionTypes.Ready, Status: F.ConditionValue.False, Reason: "ActiveFailing" } && looping.Any(s => s.Key == activeNode))
            {
                named.Add(condition with { Message = condition.Message + Note(looping.Where(s => s.Key == activeNode)) });
            }
            else
            {
                named.Add(condition);
            }
        }

        return named;
    }

    private static string Times(int n) => n == 1 ? "1 time" : n.ToString(CultureInfo.InvariantCulture) + " times";

    private static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // What a pod or an agent wrote is quoted, never trusted to be short.
    private static string Truncate(string text) => text.Length <= MaxReportLength ? text : text[..(MaxReportLength - 3)] + "...";
}
