namespace EdgeHa.Collector;

/// <summary>What the collector does right now.</summary>
public enum CollectorRole
{
    /// <summary>Polls the device and publishes samples.</summary>
    Active,

    /// <summary>Hot standby: polls the device and keeps samples in its buffer, publishes nothing.</summary>
    Standby,

    /// <summary>Neither polls nor publishes.</summary>
    Stopped,
}
