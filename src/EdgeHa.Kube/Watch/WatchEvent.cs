using System.Text.Json.Serialization;

namespace EdgeHa.Kube;

/// <summary>
/// One event of a watch. ERROR events never reach callers: they are raised as typed exceptions
/// (<see cref="GoneException"/> for an expired resourceVersion). A <see cref="WatchEventType.Bookmark"/>
/// carries an object with only <c>metadata.resourceVersion</c> set.
/// </summary>
/// <param name="Type">What happened.</param>
/// <param name="Object">The object after the change (for Deleted: its last state).</param>
public sealed record WatchEvent<T>(WatchEventType Type, T Object)
{
    /// <summary>The resourceVersion this event moves the watch to.</summary>
    [JsonIgnore]
    public string? ResourceVersion => (Object as Models.KubernetesObject)?.Metadata.ResourceVersion;
}
