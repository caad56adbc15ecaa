namespace EdgeHa.Controller.Reconcile;

/// <summary>
/// Level-based reconciliation: given only a key (<c>namespace/name</c>), re-read the current state and drive it
/// toward the desired state. Must be idempotent: it may run any number of times for the same state.
/// Throwing means "retry with backoff"; throwing <see cref="TerminalException"/> means "do not retry".
/// </summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken);
}
