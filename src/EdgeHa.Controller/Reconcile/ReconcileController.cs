using EdgeHa.Controller.Informers;
using EdgeHa.Controller.Metrics;
using EdgeHa.Controller.Queues;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Controller.Reconcile;

/// <summary>
/// Runs a reconciler over a work queue of keys with controller-runtime's semantics: N workers, one key never in two
/// workers at once; an exception is retried with rate-limited backoff; a <see cref="TerminalException"/> is not
/// retried; <see cref="ReconcileResult.RequeueAfter"/> forgets the failure history and queues after the delay;
/// success forgets it. Shutdown stops taking work, lets in-flight reconciles finish (bounded by
/// <see cref="ControllerOptions.ShutdownTimeout"/>) and returns.
/// </summary>
public sealed class ReconcileController
{
    private static readonly string[] Results = ["success", "error", "requeue", "requeue_after"];

    private readonly IReconciler _reconciler;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ControllerMetrics _metrics;
    private readonly KeyValuePair<string, object?> _controllerTag;
    private int _running;

    public ReconcileController(string name, IReconciler reconciler, ControllerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentReconciles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ShutdownTimeout, TimeSpan.Zero);
        Name = name;
        _reconciler = reconciler;
        _time = _options.TimeProvider;
        _logger = _options.Logger ?? NullLogger.Instance;
        _metrics = _options.Metrics ?? ControllerMetrics.Default;
        _controllerTag = new("controller", name);
        Queue = new WorkQueue<string>(name, _options.RateLimiter ?? RateLimiters.DefaultController<string>(_time), _time, _metrics);
    }

    public string Name { get; }

    /// <summary>The controller's queue of keys.</summary>
    public WorkQueue<string> Queue { get; }

    /// <summary>Queues a key for reconciliation.</summary>
    public void Enqueue(string key) => Queue.Add(key);

    /// <summary>Queues an object's key.</summary>
    public void Enqueue(KubernetesObject obj) => Queue.Add(ObjectKey.Of(obj));

    /// <summary>Queues a key after a delay.</summary>
    public void EnqueueAfter(string key, TimeSpan delay) => Queue.AddAfter(key, delay);

    /// <summary>An informer handler that queues the key of every object it hears of (EnqueueRequestForObject).</summary>
    public IResourceEventHandler<KubernetesObject> ForObject() => ForMapped(o => [ObjectKey.Of(o)]);

    /// <summary>
    /// An informer handler that queues the key of the object's controlling owner of kind <paramref name="ownerKind"/>
    /// (EnqueueRequestForOwner with OnlyControllerOwner): a Deployment change reconciles its RedundantPair.
    /// </summary>
    public IResourceEventHandler<KubernetesObject> ForOwner(string ownerKind) =>
        ForMapped(o => OwnerReferences.GetController(o.Metadata) is { } owner && owner.Kind == ownerKind
            ? [ObjectKey.Of(o.Metadata.Namespace, owner.Name)]
            : []);

    /// <summary>An informer handler that queues the keys a function maps each object to.</summary>
    public IResourceEventHandler<KubernetesObject> ForMapped(Func<KubernetesObject, IEnumerable<string>> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        void Add(KubernetesObject o)
        {
            foreach (var key in map(o))
            {
                Queue.Add(key);
            }
        }

        return new ResourceEventHandler<KubernetesObject>(Add, (_, n) => Add(n), Add);
    }

    /// <summary>Runs the workers until <paramref name="stoppingToken"/> is cancelled, then shuts down gracefully. Call once.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Controller {Name} was already started; a controller runs once (its queue shuts down with it).");
        }

        // Publish every series at zero so dashboards see them before the first event.
        foreach (var result in Results)
        {
            _metrics.ReconcileTotal.Add(0, _controllerTag, new("result", result));
        }

        _metrics.ReconcileErrors.Add(0, _controllerTag);
        _metrics.TerminalReconcileErrors.Add(0, _controllerTag);
        _metrics.ActiveWorkers.Add(0, _controllerTag);
        _metrics.MaxConcurrentReconciles.Record(_options.MaxConcurrentReconciles, _controllerTag);

        using var reconcileCts = new CancellationTokenSource();
        Log.ControllerStarting(_logger, Name, _options.MaxConcurrentReconciles);
        var workers = Enumerable.Range(0, _options.MaxConcurrentReconciles)
            .Select(_ => Task.Run(() => WorkerAsync(stoppingToken, reconcileCts.Token), CancellationToken.None))
            .ToArray();
        var all = Task.WhenAll(workers);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown requested.
        }

        Log.ControllerStopping(_logger, Name, Queue.ProcessingCount);
        Queue.ShutDown();
        if (!await CompletesWithinAsync(all, _options.ShutdownTimeout).ConfigureAwait(false))
        {
            await reconcileCts.CancelAsync().ConfigureAwait(false);
            if (!await CompletesWithinAsync(all, _options.ShutdownTimeout).ConfigureAwait(false))
            {
                Log.ControllerAbandonedWorkers(_logger, Name, Queue.ProcessingCount);
                return;
            }
        }

        Log.ControllerStopped(_logger, Name);
    }

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        if (task.IsCompleted)
        {
            return true;
        }

        using var cts = new CancellationTokenSource();
        var delay = Task.Delay(timeout, _time, cts.Token);
        var winner = await Task.WhenAny(task, delay).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        return winner == task;
    }

    private async Task WorkerAsync(CancellationToken stoppingToken, CancellationToken reconcileToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string key;
            try
            {
                (key, var shutdown) = await Queue.GetAsync(stoppingToken).ConfigureAwait(false);
                if (shutdown)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                // Stop taking work: the key was handed out after shutdown began.
                Queue.Done(key);
                return;
            }

            _metrics.ActiveWorkers.Add(1, _controllerTag);
            try
            {
                await ReconcileOneAsync(key, reconcileToken).ConfigureAwait(false);
            }
            finally
            {
                _metrics.ActiveWorkers.Add(-1, _controllerTag);
                Queue.Done(key);
            }
        }
    }

    private async Task ReconcileOneAsync(string key, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        ReconcileResult result;
        try
        {
            result = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ReconcileCancelled(_logger, Name, key);
            return;
        }
        catch (Exception ex) when (IsTerminal(ex))
        {
            // Not retried; the failure history is cleared so the next change starts from the base delay.
            Queue.Forget(key);
            _metrics.TerminalReconcileErrors.Add(1, _controllerTag);
            CountError();
            Log.ReconcileTerminal(_logger, Name, key, ex);
            return;
        }
        catch (Exception ex)
        {
            Queue.AddRateLimited(key);
            CountError();
            Log.ReconcileFailed(_logger, Name, key, Queue.NumRequeues(key), ex);
            return;
        }
        finally
        {
            _metrics.ReconcileTime.Record(_time.GetElapsedTime(started).TotalSeconds, _controllerTag);
        }

        if (result.RequeueAfter > TimeSpan.Zero)
        {
            Queue.Forget(key);
            Queue.AddAfter(key, result.RequeueAfter);
            Count("requeue_after");
        }
        else if (result.Requeue)
        {
            Queue.AddRateLimited(key);
            Count("requeue");
        }
        else
        {
            Queue.Forget(key);
            Count("success");
        }
    }

    private static bool IsTerminal(Exception ex) =>
        ex is TerminalException || ex.InnerException is TerminalException ||
        (ex is AggregateException agg && agg.InnerExceptions.All(e => e is TerminalException));

    private void CountError()
    {
        _metrics.ReconcileErrors.Add(1, _controllerTag);
        Count("error");
    }

    private void Count(string result) => _metrics.ReconcileTotal.Add(1, _controllerTag, new("result", result));
}
