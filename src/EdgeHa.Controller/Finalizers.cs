using EdgeHa.Kube.Models;

namespace EdgeHa.Controller;

/// <summary>Finalizer helpers on <see cref="ObjectMeta"/> (controllerutil.ContainsFinalizer / AddFinalizer / RemoveFinalizer).</summary>
public static class Finalizers
{
    public static bool Has(ObjectMeta meta, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        return meta.Finalizers?.Contains(finalizer) == true;
    }

    /// <summary>Adds the finalizer unless present; true when the object changed (and must be written).</summary>
    public static bool Add(ObjectMeta meta, string finalizer)
    {
        if (Has(meta, finalizer))
        {
            return false;
        }

        meta.Finalizers ??= [];
        meta.Finalizers.Add(finalizer);
        return true;
    }

    /// <summary>Removes every occurrence of the finalizer; true when the object changed (and must be written).</summary>
    public static bool Remove(ObjectMeta meta, string finalizer)
    {
        if (!Has(meta, finalizer))
        {
            return false;
        }

        var kept = meta.Finalizers!.Where(f => f != finalizer).ToList();
        meta.Finalizers = kept;
        return true;
    }

    /// <summary>True when the object is being deleted (deletionTimestamp set), the moment to run the finalizer.</summary>
    public static bool IsBeingDeleted(ObjectMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        return meta.DeletionTimestamp is not null;
    }
}
