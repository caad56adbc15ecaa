using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Informers;

/// <summary>Cache and queue keys as client-go's MetaNamespaceKeyFunc: <c>namespace/name</c>, or <c>name</c> when cluster-scoped.</summary>
public static class ObjectKey
{
    /// <summary>The key of an object; throws when it has no name.</summary>
    public static string Of(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("The object has no metadata.name, so it has no key.", nameof(obj));
        }

        return Of(obj.Metadata.Namespace, name);
    }

    /// <summary>The key of a namespace and a name.</summary>
    public static string Of(string? @namespace, string name) => string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    /// <summary>Splits a key into namespace (null when cluster-scoped) and name; throws on a malformed key.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var parts = key.Split('/');
        return parts switch
        {
            [var name] when name.Length > 0 => (null, name),
            [var ns, var name] when ns.Length > 0 && name.Length > 0 => (ns, name),
            _ => throw new FormatException($"'{key}' is not a valid object key (expected 'namespace/name' or 'name')."),
        };
    }
}
