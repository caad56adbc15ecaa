using EdgeHa.Kube.Models;

namespace EdgeHa.Controller;

/// <summary>
/// Owner reference helpers (controllerutil.SetControllerReference): every object the operator creates names its
/// RedundantPair as controller, with blockOwnerDeletion, so garbage collection removes it with the pair.
/// </summary>
public static class OwnerReferences
{
    /// <summary>A controller reference to <paramref name="owner"/>; throws when the owner lacks apiVersion, kind, name or uid.</summary>
    public static OwnerReference ControllerRef(KubernetesObject owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (string.IsNullOrEmpty(owner.ApiVersion) || string.IsNullOrEmpty(owner.Kind)
            || string.IsNullOrEmpty(owner.Metadata.Name) || string.IsNullOrEmpty(owner.Metadata.Uid))
        {
            throw new ArgumentException(
                "The owner needs apiVersion, kind, metadata.name and metadata.uid (read it from the API server first).",
                nameof(owner));
        }

        return new OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>
    /// Makes <paramref name="owner"/> the controller of <paramref name="dependent"/>: replaces a reference to the same
    /// owner (by uid), and throws <see cref="InvalidOperationException"/> when another object is already the
    /// controller or when namespaces do not allow the reference. Returns true when the dependent changed.
    /// </summary>
    public static bool SetController(KubernetesObject owner, KubernetesObject dependent)
    {
        ArgumentNullException.ThrowIfNull(dependent);
        var reference = ControllerRef(owner);
        var ownerNs = owner.Metadata.Namespace;
        var dependentNs = dependent.Metadata.Namespace;
        if (!string.IsNullOrEmpty(ownerNs))
        {
            if (string.IsNullOrEmpty(dependentNs))
            {
                throw new InvalidOperationException($"A cluster-scoped object cannot be owned by the namespaced {owner.Kind} {ownerNs}/{owner.Metadata.Name}.");
            }

            if (ownerNs != dependentNs)
            {
                throw new InvalidOperationException($"Cross-namespace owner references are not allowed: {owner.Kind} in {ownerNs}, dependent in {dependentNs}.");
            }
        }

        if (GetController(dependent.Metadata) is { } current && current.Uid != reference.Uid)
        {
            throw new InvalidOperationException(
                $"{dependent.Kind} {dependent.Metadata.Name} is already controlled by {current.Kind} {current.Name} (uid {current.Uid}).");
        }

        var refs = dependent.Metadata.OwnerReferences ??= [];
        var index = IndexOf(refs, reference.Uid);
        if (index >= 0)
        {
            var existing = refs[index];
            if (existing.ApiVersion == reference.ApiVersion && existing.Kind == reference.Kind && existing.Name == reference.Name
                && existing.Controller == true && existing.BlockOwnerDeletion == true)
            {
                return false;
            }

            refs[index] = reference;
            return true;
        }

        refs.Add(reference);
        return true;
    }

    /// <summary>The reference with controller=true, or null.</summary>
    public static OwnerReference? GetController(ObjectMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        return meta.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
    }

    /// <summary>True when <paramref name="owner"/> (by uid) is the controller of <paramref name="dependent"/>.</summary>
    public static bool IsControlledBy(KubernetesObject dependent, KubernetesObject owner)
    {
        ArgumentNullException.ThrowIfNull(dependent);
        ArgumentNullException.ThrowIfNull(owner);
        return GetController(dependent.Metadata) is { } c && !string.IsNullOrEmpty(owner.Metadata.Uid) && c.Uid == owner.Metadata.Uid;
    }

    private static int IndexOf(IList<OwnerReference> refs, string uid)
    {
        for (var i = 0; i < refs.Count; i++)
        {
            if (refs[i].Uid == uid)
            {
                return i;
            }
        }

        return -1;
    }
}
