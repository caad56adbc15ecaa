using System.Collections.Concurrent;
using EdgeHa.Operator.Probes;
using Microsoft.Extensions.Time.Testing;
using F = EdgeHa.Failover;

namespace EdgeHa.Operator.Tests;

public sealed class ProbeSchedulerTests
{
    private static readonly ProbeSettings Settings = new(new ProbeTarget(ProbeKind.Http, "127.0.0.2", 8080), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250), 2, 1);

    /// <summary>A probe whose answers the test gives; unanswered probes hang until their token is cancelled.</summary>
    private sealed class ScriptedProbe : IProbe
    {
        public ConcurrentQueue<TaskCompletionSource<ProbeOutcome>> Pending { get; } = new();

        public int Sent;

        public bool AnswerAtOnce { get; set; }

        public async Task<ProbeOutcome> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Sent);
            if (AnswerAtOnce)
            {
                return ProbeOutcome.Ok;
            }

            var answer = new TaskCompletionSource<ProbeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            Pending.Enqueue(answer);
            using (cancellationToken.Register(() => answer.TrySetResult(ProbeOutcome.Fail("timed out"))))
            {
                return await answer.Task;
            }
        }
    }

    private static async Task SpinUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Sync_ProbesHang_SendsOneEveryPeriodRegardlessAndTurnsUnhealthyAtTheTimeout()
    {
        var time = new FakeTimeProvider();
        var probe = new ScriptedProbe();
        using var metrics = new OperatorMetrics(new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid()));
        var changes = new ConcurrentQueue<string>();
        await using var scheduler = new ProbeScheduler(probe, time, metrics, changes.Enqueue);

        scheduler.Sync("ns/p", new Dictionary<string, (string, ProbeSettings)> { ["node-a"] = ("uid-1", Settings) });
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Sent at 0, 100, 200, 300 and 400 ms although none was answered.
        await SpinUntilAsync(() => Volatile.Read(ref probe.Sent) == 5);
        Assert.Equal(5, Volatile.Read(ref probe.Sent));
        await SpinUntilAsync(() => changes.Count > 0);

        // The probes of 0 and 100 ms timed out at 250 and 350 ms: two failures in send order make it unhealthy.
        var snapshot = scheduler.Snapshot("ns/p", "node-a", "uid-1");
        Assert.False(snapshot.Healthy);
        Assert.True(snapshot.ConsecutiveFailures >= 2);
        Assert.Contains("ns/p", changes);
    }

    [Fact]
    public async Task Sync_AnswersArrive_HealthyAndQueuesThePairOnce()
    {
        var time = new FakeTimeProvider();
        var probe = new ScriptedProbe { AnswerAtOnce = true };
        using var metrics = new OperatorMetrics(new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid()));
        var changes = new ConcurrentQueue<string>();
        await using var scheduler = new ProbeScheduler(probe, time, metrics, changes.Enqueue);

        scheduler.Sync("ns/p", new Dictionary<string, (string, ProbeSettings)> { ["node-a"] = ("uid-1", Settings) });
        time.Advance(TimeSpan.Zero); // the first probe is due at once
        await SpinUntilAsync(() => scheduler.Snapshot("ns/p", "node-a", "uid-1").Healthy == true);
        time.Advance(TimeSpan.FromMilliseconds(100));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await SpinUntilAsync(() => Volatile.Read(ref probe.Sent) == 3);

        Assert.True(scheduler.Snapshot("ns/p", "node-a", "uid-1").Healthy);
        Assert.Single(changes);
        Assert.Equal(F.HealthSnapshot.Unknown, scheduler.Snapshot("ns/p", "node-a", "another-pod"));
    }

    [Fact]
    public async Task Sync_PodGone_StopsProbingIt()
    {
        var time = new FakeTimeProvider();
        var probe = new ScriptedProbe { AnswerAtOnce = true };
        using var metrics = new OperatorMetrics(new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid()));
        await using var scheduler = new ProbeScheduler(probe, time, metrics, _ => { });
        scheduler.Sync("ns/p", new Dictionary<string, (string, ProbeSettings)> { ["node-a"] = ("uid-1", Settings) });
        time.Advance(TimeSpan.Zero); // the first probe is due at once
        await SpinUntilAsync(() => Volatile.Read(ref probe.Sent) == 1);

        scheduler.Sync("ns/p", new Dictionary<string, (string, ProbeSettings)>());
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);

        Assert.Equal(1, Volatile.Read(ref probe.Sent));
        Assert.Equal(0, scheduler.Count);
    }
}
