using EdgeHa.Demo.Data;
using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

/// <summary>An in-memory subscription: the fake collectors' samples as a QoS 1 subscriber receives them, sequences unwrapped to 64 bits.</summary>
internal sealed class FakeSubscription : ISampleSubscription
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedMessage> _messages = [];
    private readonly SequenceUnwrapper _unwrapper = new();
    private long _sample;

    public string Name => "fake-broker edgeha/default/pair/samples";

    public string? Problem => null;

    public bool Disposed { get; private set; }

    public IReadOnlyList<ReceivedMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public void Receive(string node, long epoch, IEnumerable<int> deviceSequences)
    {
        lock (_gate)
        {
            if (Disposed)
            {
                return;
            }

            foreach (var raw in deviceSequences)
            {
                _messages.Add(new ReceivedMessage(_unwrapper.Unwrap(raw), raw, epoch, node, DateTimeOffset.UtcNow, ++_sample));
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            Disposed = true;
        }

        return ValueTask.CompletedTask;
    }
}
