namespace EdgeHa.Kube;

/// <summary>Declares which API resource a model class is, so typed calls need no explicit <see cref="ResourceType"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubernetesResourceAttribute(string group, string version, string plural, string kind, bool namespaced = true) : Attribute
{
    public string Group { get; } = group;

    public string Version { get; } = version;

    public string Plural { get; } = plural;

    public string Kind { get; } = kind;

    public bool Namespaced { get; } = namespaced;
}
