namespace EdgeHa.Controller.Queues;

/// <summary>Decides how long an item waits before it is retried (client-go's workqueue.TypedRateLimiter).</summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IRateLimiter<in T>
{
    /// <summary>Records one more retry of <paramref name="item"/> and returns how long it must wait.</summary>
    TimeSpan When(T item);

    /// <summary>Forgets the item's failure history (it succeeded, or will be retried for another reason).</summary>
    void Forget(T item);

    /// <summary>How many times the item has been retried since it was last forgotten.</summary>
    int NumRequeues(T item);
}
