using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class PublishedBeforeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ReceivedMessage From(string node, int sequence, double seconds) => new(sequence, sequence, 1, node, T0.AddSeconds(seconds));

    [Fact]
    public void Sequence_SubscriberHeardMoreThanTheLeaseShowed_TakesTheSubscribers()
    {
        // The Lease poll last saw 182 from edge-a; edge-a published up to 185 before the planned switchover.
        IReadOnlyList<ReceivedMessage> received = [From("edge-a", 184, 1), From("edge-a", 185, 1.1), From("edge-b", 186, 1.2)];

        Assert.Equal(185, PublishedBefore.Sequence(182, received, "edge-a", T0, null));
    }

    [Fact]
    public void Sequence_LeaseAheadOrNoSubscriber_KeepsTheLeaseRecord()
    {
        IReadOnlyList<ReceivedMessage> received = [From("edge-a", 184, 1)];

        Assert.Equal(186, PublishedBefore.Sequence(186, received, "edge-a", T0, null));
        Assert.Equal(182, PublishedBefore.Sequence(182, null, "edge-a", T0, null));
        Assert.Null(PublishedBefore.Sequence(null, [], "edge-a", T0, null));
    }

    [Fact]
    public void Sequence_AcrossTheCounterWrap_TakesTheLaterOne()
    {
        Assert.Equal(2, PublishedBefore.Sequence(65534, [From("edge-a", 2, 1)], "edge-a", T0, null));
        Assert.Equal(3, PublishedBefore.Sequence(3, [From("edge-a", 65534, 1)], "edge-a", T0, null));
    }

    [Fact]
    public void Sequence_OnlyMessagesOfThatStint_Count()
    {
        // edge-a's later stint (after it became active again) is not what it had published before this switch.
        IReadOnlyList<ReceivedMessage> received = [From("edge-a", 100, 1), From("edge-a", 300, 20)];

        Assert.Equal(100, PublishedBefore.Sequence(90, received, "edge-a", T0, T0.AddSeconds(10)));
    }
    [Fact]
    public void Sequence_MessagesAtOrAfterTheNextActivesFirst_DoNotCount()
    {
        // Cold: edge-a crashed after 100; edge-b started at 120; edge-a's fail-back stint (200) reached the subscriber
        // before the reader saw it: the gap 101..119 stays lost.
        IReadOnlyList<ReceivedMessage> received = [From("edge-a", 100, 1), From("edge-a", 200, 5)];

        Assert.Equal(100, PublishedBefore.Sequence(null, received, "edge-a", T0, null, nextFirst: 120));
    }
}
