namespace EdgeHa.Controller.Informers;

/// <summary>
/// Receives an informer's notifications, serially. Handlers must be quick and must not mutate the objects (they are
/// the cache's): the usual handler maps the object to a key and adds it to a work queue.
/// </summary>
public interface IResourceEventHandler<in T>
{
    /// <summary>An object appeared (also for every object of the first list).</summary>
    void OnAdd(T obj, bool isInInitialList);

    /// <summary>An object changed; on resync <paramref name="oldObj"/> and <paramref name="newObj"/> are the same object.</summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>An object was deleted, or vanished between two lists; <paramref name="obj"/> is its last known state.</summary>
    void OnDelete(T obj);
}

/// <summary>An <see cref="IResourceEventHandler{T}"/> made of delegates; missing ones are no-ops.</summary>
public sealed class ResourceEventHandler<T>(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<T>? onDelete = null)
    : IResourceEventHandler<T>
{
    public void OnAdd(T obj, bool isInInitialList) => onAdd?.Invoke(obj);

    public void OnUpdate(T oldObj, T newObj) => onUpdate?.Invoke(oldObj, newObj);

    public void OnDelete(T obj) => onDelete?.Invoke(obj);
}
