using System.Collections.Concurrent;
using EdgeHa.Controller.Informers;
using EdgeHa.Controller.Queues;
using EdgeHa.Controller.Reconcile;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Tests;

public sealed class ReconcileControllerTests : IAsyncDisposable
{
    private readonly TestMetrics _metrics = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        _stop.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Reconcile_Success_ForgetsAndCountsSuccess()
    {
        var calls = 0;
        var controller = Start((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(ReconcileResult.Done);
        });

        controller.Enqueue("ns/a");

        await Wait.UntilAsync(() => Total("success") == 1, "one success");
        await Task.Delay(30);
        Assert.Equal(1, calls);
        Assert.Equal(0, controller.Queue.NumRequeues("ns/a"));
        Assert.Equal(0, _metrics.Value("controller_runtime_reconcile_errors_total{controller=\"pairs\"}"));
        Assert.Equal(1, _metrics.Value("controller_runtime_reconcile_time_seconds_count{controller=\"pairs\"}"));
    }

    [Fact]
    public async Task Reconcile_Throws_RetriedWithBackoffUntilSuccessThenForgotten()
    {
        var calls = 0;
        var requeuesSeen = new ConcurrentQueue<int>();
        ReconcileController? controller = null;
        controller = Start((key, _) =>
        {
            requeuesSeen.Enqueue(controller!.Queue.NumRequeues(key));
            return Interlocked.Increment(ref calls) <= 3 ? throw new InvalidOperationException("API down") : Task.FromResult(ReconcileResult.Done);
        });

        controller.Enqueue("ns/a");

        await Wait.UntilAsync(() => Total("success") == 1, "success after retries");
        Assert.Equal(4, calls);
        Assert.Equal([0, 1, 2, 3], requeuesSeen);
        Assert.Equal(0, controller.Queue.NumRequeues("ns/a"));
        Assert.Equal(3, Total("error"));
        Assert.Equal(3, _metrics.Value("controller_runtime_reconcile_errors_total{controller=\"pairs\"}"));
        Assert.Equal(3, _metrics.Value("workqueue_retries_total{name=\"pairs\"}"));
    }

    [Fact]
    public async Task Reconcile_TerminalException_NotRetried()
    {
        var calls = 0;
        var controller = Start((_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new TerminalException("spec.primaryNode equals spec.standbyNode");
        });

        controller.Enqueue("ns/a");

        await Wait.UntilAsync(() => Total("error") == 1, "the terminal error");
        await Task.Delay(50);
        Assert.Equal(1, calls);
        Assert.Equal(0, controller.Queue.DelayedCount);
        Assert.Equal(1, _metrics.Value("controller_runtime_terminal_reconcile_errors_total{controller=\"pairs\"}"));
    }

    [Fact]
    public async Task Reconcile_RequeueAfter_ForgetsFailureHistoryAndRunsAgainAfterDelay()
    {
        var calls = 0;
        var requeuesSeen = new ConcurrentQueue<int>();
        ReconcileController? controller = null;
        controller = Start((key, _) =>
        {
            requeuesSeen.Enqueue(controller!.Queue.NumRequeues(key));
            return Interlocked.Increment(ref calls) switch
            {
                1 or 2 => throw new InvalidOperationException("transient"),
                3 => Task.FromResult(ReconcileResult.After(TimeSpan.FromMilliseconds(20))),
                _ => Task.FromResult(ReconcileResult.Done),
            };
        });

        controller.Enqueue("ns/a");

        await Wait.UntilAsync(() => Total("success") == 1, "the run after RequeueAfter");
        Assert.Equal([0, 1, 2, 0], requeuesSeen);
        Assert.Equal(1, Total("requeue_after"));
    }

    [Fact]
    public async Task Reconcile_RequeueTrue_RequeuedRateLimited()
    {
        var calls = 0;
        var controller = Start((_, _) =>
            Task.FromResult(Interlocked.Increment(ref calls) == 1 ? ReconcileResult.RequeueRateLimited : ReconcileResult.Done));

        controller.Enqueue("ns/a");

        await Wait.UntilAsync(() => Total("success") == 1, "the requeued run");
        Assert.Equal(2, calls);
        Assert.Equal(1, Total("requeue"));
        Assert.Equal(1, _metrics.Value("workqueue_retries_total{name=\"pairs\"}"));
    }

    [Fact]
    public async Task Reconcile_ManyWorkers_SameKeyNeverConcurrentButKeysRunInParallel()
    {
        var active = new ConcurrentDictionary<string, int>();
        var maxTotal = 0;
        var total = 0;
        var violations = 0;
        var runs = 0;
        var controller = Start(
            async (key, ct) =>
            {
                if (active.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref violations);
                }

                var now = Interlocked.Increment(ref total);
                InterlockedMax(ref maxTotal, now);
                await Task.Delay(5, ct);
                Interlocked.Decrement(ref total);
                active.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Increment(ref runs);
                return ReconcileResult.Done;
            },
            workers: 4);

        for (var round = 0; round < 20; round++)
        {
            foreach (var key in new[] { "ns/a", "ns/b", "ns/c", "ns/d" })
            {
                controller.Enqueue(key);
            }

            await Task.Delay(2);
        }

        await Wait.UntilAsync(() => controller.Queue.Count == 0 && controller.Queue.ProcessingCount == 0, "the queue to drain");
        Assert.Equal(0, violations);
        Assert.True(maxTotal > 1, "keys never ran in parallel");
        Assert.InRange(runs, 4, 80);
        Assert.Equal(4, _metrics.Value("controller_runtime_max_concurrent_reconciles{controller=\"pairs\"}"));
    }

    [Fact]
    public async Task Reconcile_InProgress_ActiveWorkersGaugeCountsIt()
    {
        var release = new TaskCompletionSource();
        var controller = Start(async (_, _) =>
        {
            await release.Task;
            return ReconcileResult.Done;
        }, workers: 3);

        controller.Enqueue("ns/a");
        controller.Enqueue("ns/b");

        await Wait.UntilAsync(() => _metrics.Value("controller_runtime_active_workers{controller=\"pairs\"}") == 2, "two active workers");
        release.SetResult();
        await Wait.UntilAsync(() => _metrics.Value("controller_runtime_active_workers{controller=\"pairs\"}") == 0, "idle workers");
    }

    [Fact]
    public async Task RunAsync_Stopped_FinishesInFlightAndStartsNothingNew()
    {
        var started = new ConcurrentQueue<string>();
        var inFlight = new TaskCompletionSource();
        var completedNormally = false;
        var controller = Start(async (key, ct) =>
        {
            started.Enqueue(key);
            await inFlight.Task;
            completedNormally = !ct.IsCancellationRequested;
            return ReconcileResult.Done;
        });
        controller.Enqueue("ns/a");
        await Wait.UntilAsync(() => started.Count == 1, "the first reconcile");
        controller.Enqueue("ns/b");

        await _stop.CancelAsync();
        await Task.Delay(20);
        Assert.False(_run!.IsCompleted, "returned before the in-flight reconcile finished");
        inFlight.SetResult();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(completedNormally);
        Assert.Equal(["ns/a"], started);
    }

    [Fact]
    public async Task RunAsync_ReconcileOutlivesShutdownTimeout_ItsTokenIsCancelled()
    {
        var cancelled = false;
        var started = new TaskCompletionSource();
        var controller = Start(
            async (_, ct) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                    throw;
                }

                return ReconcileResult.Done;
            },
            shutdownTimeout: TimeSpan.FromMilliseconds(30));
        controller.Enqueue("ns/a");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await _stop.CancelAsync();
        await _run!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(cancelled);
        Assert.Equal(0, Total("error")); // a shutdown cancellation is not a reconcile error
    }

    [Fact]
    public async Task RunAsync_ReconcileIgnoresCancellation_ReturnsAnywayWithinTwiceTheTimeout()
    {
        var stuck = new TaskCompletionSource<ReconcileResult>();
        var started = new TaskCompletionSource();
        var controller = Start(
            (_, _) =>
            {
                started.TrySetResult();
                return stuck.Task;
            },
            shutdownTimeout: TimeSpan.FromMilliseconds(20));
        controller.Enqueue("ns/a");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await _stop.CancelAsync();

        await _run!.WaitAsync(TimeSpan.FromSeconds(30));
        stuck.SetResult(ReconcileResult.Done);
    }

    [Fact]
    public async Task RunAsync_CalledTwice_Throws()
    {
        var controller = Start((_, _) => Task.FromResult(ReconcileResult.Done));

        await Assert.ThrowsAsync<InvalidOperationException>(() => controller.RunAsync(CancellationToken.None));
    }

    [Fact]
    public void ForOwner_DependentOfMatchingKind_QueuesOwnerKey()
    {
        var controller = new ReconcileController("pairs", new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)), new ControllerOptions { Metrics = _metrics.Metrics });
        var handler = controller.ForOwner("RedundantPair");
        var dependent = new KubernetesObject
        {
            Metadata = new ObjectMeta
            {
                Name = "line1-node-a",
                Namespace = "plant",
                OwnerReferences = [new OwnerReference { Kind = "RedundantPair", Name = "line1", Uid = "u1", Controller = true }],
            },
        };
        var unrelated = new KubernetesObject { Metadata = new ObjectMeta { Name = "x", Namespace = "plant" } };

        handler.OnUpdate(dependent, dependent);
        handler.OnAdd(unrelated, false);

        Assert.Equal(1, controller.Queue.Count);
        controller.Queue.ShutDown();
    }

    [Fact]
    public void ForObject_AnyNotification_QueuesTheObjectKey()
    {
        var controller = new ReconcileController("pairs", new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)), new ControllerOptions { Metrics = _metrics.Metrics });
        var handler = controller.ForObject();
        var obj = new KubernetesObject { Metadata = new ObjectMeta { Name = "line1", Namespace = "plant" } };

        handler.OnAdd(obj, true);
        handler.OnDelete(obj);

        Assert.Equal(1, controller.Queue.Count);
        controller.Queue.ShutDown();
    }

    [Fact]
    public async Task ForObject_WiredToInformer_ReconcilesEveryChangedKeyFromTheCache()
    {
        var lw = new FakeListerWatcher { Items = () => new([FakeListerWatcher.Obj("a", "1")], "10") };
        var informer = new Informer<KubernetesObject>(lw, new() { MinWatchDuration = TimeSpan.Zero });
        var seen = new ConcurrentQueue<string>();
        var controller = Start((key, _) =>
        {
            // Level-based: the reconciler reads the current state from the cache, not from the event.
            seen.Enqueue($"{key}@{informer.Store.Get(key)?.Metadata.ResourceVersion ?? "gone"}");
            return Task.FromResult(ReconcileResult.Done);
        });
        informer.AddEventHandler(controller.ForObject());
        var run = informer.RunAsync(_stop.Token);
        var watch = await lw.NextSessionAsync();
        await Wait.UntilAsync(() => seen.Count == 1, "the initial reconcile");

        watch.Send(WatchEventType.Modified, FakeListerWatcher.Obj("a", "11"));
        await Wait.UntilAsync(() => seen.Count == 2, "the reconcile after the change");
        watch.Send(WatchEventType.Deleted, FakeListerWatcher.Obj("a", "12"));
        await Wait.UntilAsync(() => seen.Count == 3, "the reconcile after the delete");

        Assert.Equal(["default/a@1", "default/a@11", "default/a@gone"], seen);
        await _stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private double Total(string result) =>
        _metrics.Value($"controller_runtime_reconcile_total{{controller=\"pairs\",result=\"{result}\"}}") ?? 0;

    private ReconcileController Start(Func<string, CancellationToken, Task<ReconcileResult>> reconcile, int workers = 1, TimeSpan? shutdownTimeout = null)
    {
        var controller = new ReconcileController("pairs", new DelegateReconciler(reconcile), new ControllerOptions
        {
            MaxConcurrentReconciles = workers,
            Metrics = _metrics.Metrics,
            RateLimiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10)),
            ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(5),
        });
        _run = controller.RunAsync(_stop.Token);
        return controller;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class DelegateReconciler(Func<string, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler
    {
        public Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken) => reconcile(key, cancellationToken);
    }
}
