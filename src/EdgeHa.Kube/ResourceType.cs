using System.Collections.Concurrent;
using System.Reflection;

namespace EdgeHa.Kube;

/// <summary>
/// Where a kind lives in the API: group ("" for core), version, plural, kind and scope. Builds the REST paths
/// (<c>/api/v1/namespaces/ns/pods/name</c>, <c>/apis/group/version/plural</c>). Works for built-in kinds and
/// for custom resources alike.
/// </summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    private static readonly ConcurrentDictionary<Type, ResourceType> Registry = new();

    /// <summary>"v1" for core, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>A core ("" group) kind such as pods.</summary>
    public static ResourceType Core(string version, string plural, string kind, bool namespaced = true) =>
        new("", version, plural, kind, namespaced);

    /// <summary>A kind in a named group, built in or custom.</summary>
    public static ResourceType Named(string group, string version, string plural, string kind, bool namespaced = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return new(group, version, plural, kind, namespaced);
    }

    /// <summary>The resource type declared on a model with <see cref="KubernetesResourceAttribute"/>.</summary>
    public static ResourceType Of<T>() => Of(typeof(T));

    /// <summary>The resource type declared on a model with <see cref="KubernetesResourceAttribute"/>.</summary>
    public static ResourceType Of(Type modelType) => Registry.GetOrAdd(modelType, static t =>
    {
        var attribute = t.GetCustomAttribute<KubernetesResourceAttribute>(inherit: false)
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesResource]; pass a ResourceType explicitly.");
        return new ResourceType(attribute.Group, attribute.Version, attribute.Plural, attribute.Kind, attribute.Namespaced);
    });

    /// <summary>Registers (or overrides) the resource type of a model that cannot carry the attribute.</summary>
    public static void Register<T>(ResourceType type) => Registry[typeof(T)] = type;

    /// <summary>The collection path: all namespaces when <paramref name="namespace"/> is null for a namespaced kind.</summary>
    public string CollectionPath(string? @namespace)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        if (Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            return $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}";
        }

        return $"{root}/{Plural}";
    }

    /// <summary>The path of one object, optionally of a subresource such as "status".</summary>
    public string ObjectPath(string? @namespace, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{Kind} is namespaced: a namespace is required for '{name}'.", nameof(@namespace));
        }

        var path = $"{CollectionPath(@namespace)}/{Uri.EscapeDataString(name)}";
        return subresource is null ? path : $"{path}/{subresource}";
    }

    public override string ToString() => $"{Plural}.{(Group.Length == 0 ? "" : Group + "/")}{Version}";
}
