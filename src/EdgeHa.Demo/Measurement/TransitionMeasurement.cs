namespace EdgeHa.Demo.Measurement;

/// <summary>The measured numbers of one change of the active node, from the demo's own observation and the pair's status.</summary>
public sealed record TransitionMeasurement
{
    public required TransitionKind Kind { get; init; }

    /// <summary>What started it: the crash (failover), the restore (fail-back) of the primary, or the template change (upgrade).</summary>
    public required DateTimeOffset TriggerAt { get; init; }

    /// <summary>The trigger in words, for the table; by default it follows from the kind.</summary>
    public string? Trigger { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary>status.lastTransition.reason.</summary>
    public string? Reason { get; init; }

    /// <summary>status.lastTransition.time: when the operator decided.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>status.lastTransition.detectionMilliseconds: first failed observation to decision.</summary>
    public long? OperatorDetectionMs { get; init; }

    /// <summary>status.lastTransition.switchMilliseconds: decision to the new side acting and the VIP routed.</summary>
    public long? OperatorSwitchMs { get; init; }

    /// <summary>When the first sample published by the new active was read through the VIP.</summary>
    public DateTimeOffset? FirstNewSampleAt { get; init; }

    /// <summary>How long the VIP did not answer around the change.</summary>
    public TimeSpan VipOutage { get; init; }

    /// <summary>Device sequence numbers lost between the old and the new active.</summary>
    public long LostAtHandover { get; init; }

    /// <summary>Device sequence numbers the old active published (recorded in the Lease) but crashed before they were read.</summary>
    public long PublishedUnread { get; init; }

    /// <summary>Device sequence numbers both published.</summary>
    public long Duplicates { get; init; }

    /// <summary>The same change as the MQTT subscriber saw it, when one measured.</summary>
    public SubscriberTransition? AtSubscriber { get; init; }

    /// <summary>Trigger to decision, by the demo's clock.</summary>
    public TimeSpan? TriggerToDecision => DecidedAt - TriggerAt;

    /// <summary>Trigger to the new side acting, as the status reports it (decision time + switch).</summary>
    public TimeSpan? TriggerToActing => DecidedAt is { } d && OperatorSwitchMs is { } s ? d + TimeSpan.FromMilliseconds(s) - TriggerAt : null;

    /// <summary>Trigger to the first new sample through the VIP: what a consumer of the VIP saw.</summary>
    public TimeSpan? TriggerToData => FirstNewSampleAt - TriggerAt;
}
