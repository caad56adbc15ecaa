using System.Text.Json.Serialization;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube;

/// <summary>The type of a watch event, spelled on the wire in upper case (ADDED, MODIFIED, ...).</summary>
[JsonConverter(typeof(WatchEventTypeConverter))]
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}
