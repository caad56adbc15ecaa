using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// Events are one resource served at two API versions, as on the real server: objects are stored in the core
/// v1 form and shown in the events.k8s.io/v1 form when asked through that group (regarding = involvedObject,
/// note = message, reportingController = reportingComponent, deprecated* = the core names).
/// </summary>
internal static class EventConversion
{
    private static readonly (string EventsV1, string Core)[] Renames =
    [
        ("regarding", "involvedObject"),
        ("note", "message"),
        ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ];

    public static bool Applies(ResourceType t) => t.Group == "events.k8s.io" && t.Plural == "events";

    public static JsonObject ToCore(JsonObject eventsV1) => Rename(eventsV1, fromEventsV1: true);

    public static JsonObject ToEventsV1(JsonObject core) => Rename(core, fromEventsV1: false);

    /// <summary>Maps an events.k8s.io field selector label to the stored (core) field.</summary>
    public static string CoreField(string field)
    {
        foreach (var (eventsV1, core) in Renames)
        {
            if (field == eventsV1 || field.StartsWith(eventsV1 + ".", StringComparison.Ordinal))
            {
                return core + field[eventsV1.Length..];
            }
        }

        return field;
    }

    private static JsonObject Rename(JsonObject source, bool fromEventsV1)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var name = key;
            foreach (var (eventsV1, core) in Renames)
            {
                if (fromEventsV1 && key == eventsV1)
                {
                    name = core;
                }
                else if (!fromEventsV1 && key == core)
                {
                    name = eventsV1;
                }
            }

            result[name] = value?.DeepClone();
        }

        return result;
    }
}
