using EdgeHa.Collector;

namespace EdgeHa.Failover.Simulation.Tests.RealComponents;

/// <summary>
/// A broker connection at QoS 1 as the outbox drives it (like <see cref="MqttSampleSink"/>): a write waits while the
/// broker applies back-pressure, asks the fence right before the sample leaves, and the broker has the sample from
/// that instant (<paramref name="emit"/>); the acknowledgement comes back after a seeded delay, or is lost. Every
/// wait is on the process's own virtual timers (<paramref name="wait"/>): frozen while the process is paused,
/// never ending once it died.
/// </summary>
internal sealed class SimSink(SinkLink link, CollectorVariant variant, Func<TimeSpan, Task> wait, Action<Sample> emit, Func<TimeSpan> ackDelay, Func<double> roll) : ISampleSink
{
    public string Name => "broker";

    public string? Problem { get; private set; }

    public async ValueTask<bool> WriteAsync(Sample sample, Func<bool> mayEmit, CancellationToken cancellationToken)
    {
        if (link.Refusing)
        {
            Problem = "the broker refused the sample";
            return false;
        }

        if (variant == CollectorVariant.SinkFencesOnAccept && !mayEmit())
        {
            return false;
        }

        if (link.AcceptDelay > TimeSpan.Zero)
        {
            await wait(link.AcceptDelay);
        }

        if (variant == CollectorVariant.SinkAcksBeforeDelivery)
        {
            _ = DeliverLaterAsync(sample, mayEmit);
            Problem = null;
            return true;
        }

        if (variant != CollectorVariant.SinkFencesOnAccept && !mayEmit())
        {
            return false;
        }

        emit(sample);
        await wait(ackDelay());
        if (roll() < link.AckLoss)
        {
            Problem = "no PUBACK";
            return false;
        }

        Problem = null;
        return true;
    }

    private async Task DeliverLaterAsync(Sample sample, Func<bool> mayEmit)
    {
        await wait(ackDelay() * 8);
        if (mayEmit())
        {
            emit(sample);
        }
    }
}
