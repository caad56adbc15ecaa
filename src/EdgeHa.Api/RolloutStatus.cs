namespace EdgeHa.Api;

/// <summary>
/// Progress of a collector template change: the standby side is upgraded first, then a planned switchover moves the
/// active role to it, then the former active is upgraded. The active side is never restarted for an upgrade.
/// </summary>
public sealed class RolloutStatus
{
    /// <summary>The template version being rolled out (a hash of the pair's template).</summary>
    public string? TemplateHash { get; set; }

    /// <summary>Progressing, Complete, or Stalled (the upgraded standby did not become healthy within progressDeadlineSeconds).</summary>
    public string? Phase { get; set; }

    /// <summary>The nodes whose collector runs the new template.</summary>
    public List<string>? UpdatedNodes { get; set; }

    /// <summary>What the rollout waits for, or why it stopped.</summary>
    public string? Message { get; set; }
}
