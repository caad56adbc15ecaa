using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Data;

/// <summary>A subscription to a pair's sample topic: every message received, in arrival order.</summary>
public interface ISampleSubscription : IAsyncDisposable
{
    /// <summary>The broker and topic, for the table and the timeline.</summary>
    string Name { get; }

    /// <summary>Everything received so far.</summary>
    IReadOnlyList<ReceivedMessage> Messages { get; }

    int Count { get; }

    /// <summary>Why the subscriber is not connected, or null while it is.</summary>
    string? Problem { get; }
}
