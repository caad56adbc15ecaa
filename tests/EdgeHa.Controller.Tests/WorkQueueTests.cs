using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeHa.Controller.Metrics;
using EdgeHa.Controller.Queues;
using Microsoft.Extensions.Time.Testing;

namespace EdgeHa.Controller.Tests;

public class WorkQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // Queues whose metrics no test reads share one private meter.
    private static readonly ControllerMetrics SharedMetrics = new(new Meter("EdgeHa.Controller.Tests.WorkQueue"));

    /// <summary>
    /// Scripts of queue operations: <c>add x</c>, <c>get x</c> (the next item must be x), <c>done x</c>,
    /// <c>len n</c> (queued), <c>proc n</c> (in flight), <c>shutdown</c>, <c>end</c> (Get reports shutdown).
    /// </summary>
    [Theory]
    [InlineData("dedupe while queued", "add a; add a; len 1; get a; len 0; proc 1")]
    [InlineData("fifo order", "add a; add b; add c; get a; get b; get c")]
    [InlineData("done without re-add leaves it out", "add a; get a; done a; len 0; proc 0")]
    [InlineData("add while processing waits for done", "add a; get a; add a; len 0; proc 1; done a; len 1; get a")]
    [InlineData("many adds while processing re-queue once", "add a; get a; add a; add a; add a; done a; len 1; get a; done a; len 0")]
    [InlineData("others go on while one is processing", "add a; add b; get a; add a; get b; len 0; done a; get a")]
    [InlineData("re-added item keeps its place behind others", "add a; get a; add a; add b; done a; get b; get a")]
    [InlineData("shutdown refuses adds but hands out queued items", "add a; shutdown; add b; len 1; get a; end")]
    [InlineData("shutdown with nothing queued ends at once", "shutdown; end")]
    [InlineData("add while processing after shutdown is dropped", "add a; get a; shutdown; add a; done a; len 0; end")]
    public async Task Script_Operations_FollowClientGoSemantics(string name, string script)
    {
        _ = name;
        using var metrics = new TestMetrics();
        using var queue = new WorkQueue<string>("q", metrics: metrics.Metrics, timeProvider: new FakeTimeProvider());
        foreach (var step in script.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = step.Split(' ');
            switch (parts[0])
            {
                case "add":
                    queue.Add(parts[1]);
                    break;
                case "get":
                    using (var cts = new CancellationTokenSource(Timeout))
                    {
                        var (item, shutdown) = await queue.GetAsync(cts.Token);
                        Assert.False(shutdown, step);
                        Assert.Equal(parts[1], item);
                    }

                    break;
                case "done":
                    queue.Done(parts[1]);
                    break;
                case "len":
                    Assert.Equal(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), queue.Count);
                    break;
                case "proc":
                    Assert.Equal(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), queue.ProcessingCount);
                    break;
                case "shutdown":
                    queue.ShutDown();
                    break;
                case "end":
                    using (var cts = new CancellationTokenSource(Timeout))
                    {
                        Assert.True((await queue.GetAsync(cts.Token)).Shutdown, step);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown step '{step}'.");
            }
        }
    }

    [Fact]
    public async Task GetAsync_EmptyQueue_WaitsUntilAnAdd()
    {
        using var queue = NewQueue(out _);
        var get = queue.GetAsync(CancellationToken.None).AsTask();
        await Task.Delay(20);
        Assert.False(get.IsCompleted);

        queue.Add("a");

        var (item, shutdown) = await get.WaitAsync(Timeout);
        Assert.Equal("a", item);
        Assert.False(shutdown);
    }

    [Fact]
    public async Task GetAsync_CancelledWaiter_DoesNotSwallowTheNextItem()
    {
        using var queue = NewQueue(out _);
        using var cts = new CancellationTokenSource();
        var cancelled = queue.GetAsync(cts.Token).AsTask();
        var other = queue.GetAsync(CancellationToken.None).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        queue.Add("a");

        Assert.Equal("a", (await other.WaitAsync(Timeout)).Item);
    }

    [Fact]
    public async Task ShutDown_WorkersWaiting_AllWakeWithShutdown()
    {
        using var queue = NewQueue(out _);
        var waiters = Enumerable.Range(0, 3).Select(_ => queue.GetAsync(CancellationToken.None).AsTask()).ToArray();

        queue.ShutDown();

        var results = await Task.WhenAll(waiters).WaitAsync(Timeout);
        Assert.All(results, r => Assert.True(r.Shutdown));
    }

    [Fact]
    public async Task ShutDownWithDrainAsync_ItemInFlight_CompletesOnlyAfterDone()
    {
        using var queue = NewQueue(out _);
        queue.Add("a");
        var (item, _) = await queue.GetAsync(CancellationToken.None);

        var drain = queue.ShutDownWithDrainAsync(CancellationToken.None);
        await Task.Delay(20);
        Assert.False(drain.IsCompleted);

        queue.Done(item);

        await drain.WaitAsync(Timeout);
    }

    [Fact]
    public void AddAfter_BeforeTheDelay_ItemIsNotQueued()
    {
        using var queue = NewQueue(out var time);

        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMilliseconds(999));

        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.DelayedCount);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.DelayedCount);
    }

    [Fact]
    public void AddAfter_EarlierRequestForWaitingItem_EarlierTimeWins()
    {
        using var queue = NewQueue(out var time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, queue.Count);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, queue.Count); // the replaced 10 s timer does not add it again
    }

    [Fact]
    public void AddAfter_LaterRequestForWaitingItem_IsIgnored()
    {
        using var queue = NewQueue(out var time);

        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void AddAfter_ZeroDelay_QueuesAtOnce()
    {
        using var queue = NewQueue(out _);

        queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void AddAfter_ShutDownBeforeDue_ItemNeverQueued()
    {
        using var queue = NewQueue(out var time);
        queue.AddAfter("a", TimeSpan.FromSeconds(1));

        queue.ShutDown();
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void AddRateLimited_RepeatedFailures_WaitsTheExponentialBackoff()
    {
        var time = new FakeTimeProvider();
        using var metrics = new TestMetrics();
        using var queue = new WorkQueue<string>(
            "q",
            new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            time,
            metrics.Metrics);

        queue.AddRateLimited("a");
        queue.AddRateLimited("a"); // second request: 10 ms, later than the waiting 5 ms, so ignored
        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);

        Assert.Equal(2, queue.NumRequeues("a"));
        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));
        Assert.Equal(2, metrics.Value("workqueue_retries_total{name=\"q\"}"));
    }

    [Fact]
    public async Task GetAsync_ConcurrentWorkers_OneKeyNeverHandedToTwoAtOnce()
    {
        using var queue = NewQueue(out _, TimeProvider.System);
        var inFlight = new ConcurrentDictionary<string, int>();
        var violations = 0;
        var processed = 0;
        using var cts = new CancellationTokenSource(Timeout);

        async Task Worker()
        {
            while (true)
            {
                var (key, shutdown) = await queue.GetAsync(cts.Token);
                if (shutdown)
                {
                    return;
                }

                if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Yield();
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Increment(ref processed);
                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)).ToArray();
        for (var i = 0; i < 500; i++)
        {
            queue.Add($"key-{i % 5}");
            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        await queue.ShutDownWithDrainAsync(cts.Token);
        queue.ShutDown();
        await Task.WhenAll(workers);

        Assert.Equal(0, violations);
        Assert.InRange(processed, 5, 500);
    }

    [Fact]
    public async Task Metrics_AddGetDone_RecordedWithNameTag()
    {
        var time = new FakeTimeProvider();
        using var metrics = new TestMetrics();
        using var queue = new WorkQueue<string>("pairs", timeProvider: time, metrics: metrics.Metrics);

        queue.Add("a");
        queue.Add("a"); // deduplicated: not an add
        queue.Add("b");
        Assert.Equal(2, metrics.Value("workqueue_adds_total{name=\"pairs\"}"));
        Assert.Equal(2, metrics.Value("workqueue_depth{name=\"pairs\"}"));

        time.Advance(TimeSpan.FromMilliseconds(50));
        var (item, _) = await queue.GetAsync(CancellationToken.None);
        Assert.Equal(1, metrics.Value("workqueue_depth{name=\"pairs\"}"));
        Assert.Equal(1, metrics.Value("workqueue_queue_duration_seconds_count{name=\"pairs\"}"));
        Assert.Equal(0.05, metrics.Value("workqueue_queue_duration_seconds_sum{name=\"pairs\"}")!.Value, 6);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, metrics.Value("workqueue_unfinished_work_seconds{name=\"pairs\"}")!.Value, 6);
        Assert.Equal(2, metrics.Value("workqueue_longest_running_processor_seconds{name=\"pairs\"}")!.Value, 6);

        queue.Done(item);
        Assert.Equal(1, metrics.Value("workqueue_work_duration_seconds_count{name=\"pairs\"}"));
        Assert.Equal(2, metrics.Value("workqueue_work_duration_seconds_sum{name=\"pairs\"}")!.Value, 6);
        Assert.Equal(0, metrics.Value("workqueue_unfinished_work_seconds{name=\"pairs\"}"));
    }

    [Fact]
    public void ShutDown_Queue_UnregistersItsGauges()
    {
        using var metrics = new TestMetrics();
        var queue = new WorkQueue<string>("gone", timeProvider: new FakeTimeProvider(), metrics: metrics.Metrics);
        Assert.Equal(0, metrics.Value("workqueue_longest_running_processor_seconds{name=\"gone\"}"));

        queue.ShutDown();

        Assert.Null(metrics.Value("workqueue_longest_running_processor_seconds{name=\"gone\"}"));
    }

    private static WorkQueue<string> NewQueue(out FakeTimeProvider time, TimeProvider? real = null)
    {
        time = new FakeTimeProvider();
        return new WorkQueue<string>("test", timeProvider: real ?? time, metrics: SharedMetrics);
    }
}
