using EdgeHa.Controller.Metrics;
using EdgeHa.Controller.Queues;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Controller.Reconcile;

/// <summary>Settings of a <see cref="ReconcileController"/>.</summary>
public sealed class ControllerOptions
{
    /// <summary>How many keys are reconciled at once (never the same key twice).</summary>
    public int MaxConcurrentReconciles { get; set; } = 1;

    /// <summary>The queue's rate limiter; default <see cref="RateLimiters.DefaultController{T}"/>.</summary>
    public IRateLimiter<string>? RateLimiter { get; set; }

    /// <summary>
    /// On shutdown, how long in-flight reconciles may run before their token is cancelled; after a further
    /// equal period the controller returns without them.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public ControllerMetrics? Metrics { get; set; }

    public ILogger? Logger { get; set; }
}
