using EdgeHa.Api;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>One side of a pair as a rollout sees it.</summary>
/// <param name="Node">The node.</param>
/// <param name="DesiredHash">The hash of the pair's template as written for this node now.</param>
/// <param name="DeploymentHash">The hash of the template its Deployment has, or null when it has no Deployment yet.</param>
/// <param name="PodHash">The hash the node's current collector pod runs, or null when it has none.</param>
/// <param name="Ineligibility">Why the side cannot take over now, or null when it can (the engine's rule).</param>
internal sealed record RolloutSide(string Node, string DesiredHash, string? DeploymentHash, string? PodHash, string? Ineligibility)
{
    /// <summary>Its Deployment has the desired template (or is created with it).</summary>
    public bool Updated => DeploymentHash is null || DeploymentHash == DesiredHash;
}

/// <summary>What a rollout step does.</summary>
/// <param name="Held">Nodes whose Deployment keeps the template it has (the side acting, or handing over, on the old version).</param>
/// <param name="SwitchTo">The upgraded standby to make active by a planned switchover, or null.</param>
/// <param name="Status">status.rollout.</param>
/// <param name="Stalled">The progress deadline passed with the upgraded standby still not healthy.</param>
internal sealed record RolloutPlan(IReadOnlySet<string> Held, string? SwitchTo, RolloutStatus Status, bool Stalled);

/// <summary>
/// Rolls a template change through a pair without an outage: the standby side first; once its new collector is Ready
/// and healthy, a planned switchover (hot: zero loss, no fencing wait) makes it active; only then, and once the new
/// active has been healthy since its promotion, the former active. The side acting is never restarted for an upgrade,
/// and a new version that never becomes healthy stops the rollout with the old version still acting. Pure: the
/// reconciler gives it what it observed, and every step is read back from the objects, so a new leader goes on.
/// </summary>
internal static class CollectorRollout
{
    public const string Progressing = "Progressing";
    public const string Complete = "Complete";
    public const string StalledPhase = "Stalled";

    /// <param name="active">The active node (decided, or in status before a decision), or null.</param>
    /// <param name="holderNode">The node whose pod holds the pair Lease, or null.</param>
    /// <param name="activeConfirmed">The active has had a healthy probe since its promotion.</param>
    /// <param name="primary">The primary side.</param>
    /// <param name="standby">The standby side.</param>
    /// <param name="hot">Hot standby: the standby runs, so its new pod is checked before the switch.</param>
    /// <param name="standbyUpdatedFor">How long the standby has had the new template (for the progress deadline).</param>
    /// <param name="deadline">spec.failover.progressDeadlineSeconds.</param>
    /// <param name="version">The pair's template version (the same for both nodes), shown as status.rollout.templateHash.</param>
    public static RolloutPlan Plan(string? active, string? holderNode, bool activeConfirmed, RolloutSide primary, RolloutSide standby, bool hot, TimeSpan standbyUpdatedFor, TimeSpan deadline, string version)
    {
        var sides = new[] { primary, standby };
        var updated = sides.Where(s => s.Updated && (!hot || s.PodHash is null || s.PodHash == s.DesiredHash)).Select(s => s.Node).ToList();
        var activeSide = sides.FirstOrDefault(s => s.Node == active);
        if (activeSide is null)
        {
            // Nobody acts: nothing to keep running, both sides take the template as it is.
            return new RolloutPlan(new HashSet<string>(), null, Status(version, primary.Updated && standby.Updated ? Complete : Progressing, updated, "no side is active"), false);
        }

        var other = activeSide == primary ? standby : primary;
        var held = new HashSet<string>(StringComparer.Ordinal);
        if (!activeSide.Updated)
        {
            held.Add(activeSide.Node);
        }

        if (holderNode == other.Node && !other.Updated)
        {
            held.Add(other.Node); // still handing over on the old version: restarted once it has let go
        }

        if (activeSide.Updated && !other.Updated && !activeConfirmed)
        {
            held.Add(other.Node); // the former active stays as it was until the new version has proved healthy
            return new RolloutPlan(held, null, Status(version, Progressing, updated, $"waiting for the upgraded {activeSide.Node} to be healthy before upgrading {other.Node}"), false);
        }

        if (activeSide.Updated)
        {
            var done = other.Updated && (!hot || other.PodHash == other.DesiredHash);
            return new RolloutPlan(held, null, Status(version, done ? Complete : Progressing, updated, done ? "" : $"upgrading {other.Node}"), false);
        }

        // The active runs the old version: the standby goes first.
        if (!other.Updated)
        {
            return new RolloutPlan(held, null, Status(version, Progressing, updated, $"upgrading the standby {other.Node} first"), false);
        }

        var waitingFor = hot && other.PodHash != other.DesiredHash
            ? $"the upgraded collector pod on {other.Node}"
            : other.Ineligibility is { } why ? $"{other.Node} to become eligible ({why})" : null;
        if (waitingFor is null)
        {
            return new RolloutPlan(held, other.Node, Status(version, Progressing, updated, $"switching over to the upgraded {other.Node}"), false);
        }

        if (standbyUpdatedFor >= deadline)
        {
            return new RolloutPlan(held, null, Status(version, StalledPhase, updated,
                $"no progress for {deadline.TotalSeconds:0} s waiting for {waitingFor}; {activeSide.Node} keeps running the old version"), true);
        }

        return new RolloutPlan(held, null, Status(version, Progressing, updated, $"waiting for {waitingFor}"), false);
    }

    private static RolloutStatus Status(string hash, string phase, List<string> updated, string message) =>
        new() { TemplateHash = hash, Phase = phase, UpdatedNodes = updated, Message = message.Length == 0 ? null : message };
}
