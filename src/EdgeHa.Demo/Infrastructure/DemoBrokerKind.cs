namespace EdgeHa.Demo.Infrastructure;

/// <summary>Which MQTT broker the demo runs for the collectors to publish to.</summary>
public enum DemoBrokerKind
{
    /// <summary>No broker: the collectors publish nothing over MQTT, only the VIP reader measures.</summary>
    None,

    /// <summary>MQTTnet's broker inside the demo process (the default: nothing to install).</summary>
    Embedded,

    /// <summary>The installed mosquitto, as a process of the demo.</summary>
    Mosquitto,
}
