namespace EdgeHa.Api.Schema;

/// <summary>
/// Marks a list of named objects as a map keyed by <see cref="Key"/>
/// (<c>x-kubernetes-list-type: map</c>, <c>x-kubernetes-list-map-keys</c>), so entries merge by key and keys are unique.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    /// <summary>The camelCase JSON name of the key field; it must be required in the item type.</summary>
    public string Key { get; } = key;
}
