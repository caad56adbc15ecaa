namespace EdgeHa.Demo.Infrastructure;

/// <summary>An MQTT broker the demo started; disposing stops it.</summary>
public interface IDemoBroker : IAsyncDisposable
{
    /// <summary><c>mqtt://ADDRESS:PORT</c>, as the collectors' <c>--mqtt-broker</c> takes it.</summary>
    Uri Url { get; }

    /// <summary>What it is, for the start-up lines.</summary>
    string Description { get; }
}
