namespace EdgeHa.Controller.Reconcile;

/// <summary>
/// What the controller does after a successful reconcile (controller-runtime's reconcile.Result):
/// <see cref="RequeueAfter"/> &gt; 0 queues the key again after that delay and forgets its failure history;
/// otherwise <see cref="Requeue"/> queues it again with rate-limited backoff; otherwise the key is done.
/// </summary>
/// <param name="Requeue">Queue the key again, rate limited.</param>
/// <param name="RequeueAfter">Queue the key again after this delay (takes precedence over <paramref name="Requeue"/>).</param>
public readonly record struct ReconcileResult(bool Requeue = false, TimeSpan RequeueAfter = default)
{
    /// <summary>Nothing more to do until something changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Try again soon, with the rate limiter's backoff.</summary>
    public static ReconcileResult RequeueRateLimited => new(Requeue: true);

    /// <summary>Look again after <paramref name="delay"/> (e.g. a timer in the desired state).</summary>
    public static ReconcileResult After(TimeSpan delay) => new(RequeueAfter: delay);
}
