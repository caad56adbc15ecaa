using System.Globalization;
using System.Text.Json;
using EdgeHa.Kube.Models;

namespace EdgeHa.Kubectl.Output;

/// <summary>Renders Events (events.k8s.io/v1) as <c>kubectl events</c> does: oldest first, with age, type, reason, object and note.</summary>
internal static class EventFormatter
{
    /// <summary>A table with the event columns (and NAMESPACE first when <paramref name="withNamespace"/>).</summary>
    public static TextTable CreateTable(bool withNamespace) => withNamespace
        ? new TextTable("NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE")
        : new TextTable("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");

    /// <summary>The cells of one event at <paramref name="now"/>; a repeated event shows "(x3 over 5m)".</summary>
    public static string?[] Cells(Event e, DateTimeOffset now, bool withNamespace)
    {
        ArgumentNullException.ThrowIfNull(e);
        var lastSeen = HumanDuration.Age(LastSeen(e), now);
        var count = Count(e);
        if (count > 1 && FirstSeen(e) is { } first)
        {
            lastSeen += $" (x{count.ToString(CultureInfo.InvariantCulture)} over {HumanDuration.Age(now - first)})";
        }

        var regarding = e.Regarding is { } r ? $"{r.Kind}/{r.Name}" : "";
        string?[] cells = [lastSeen, e.Type, e.Reason, regarding, e.Note];
        return withNamespace ? [e.Metadata.Namespace, .. cells] : cells;
    }

    /// <summary>Writes <paramref name="events"/> oldest first.</summary>
    public static void Write(TextWriter w, IEnumerable<Event> events, DateTimeOffset now, bool withNamespace)
    {
        ArgumentNullException.ThrowIfNull(w);
        var table = CreateTable(withNamespace);
        foreach (var e in Sort(events))
        {
            table.AddRow(Cells(e, now, withNamespace));
        }

        table.Write(w);
    }

    /// <summary>Oldest first by the last time each was seen; ties by name, so the order is stable.</summary>
    public static IEnumerable<Event> Sort(IEnumerable<Event> events) =>
        events.OrderBy(e => LastSeen(e) ?? DateTimeOffset.MinValue).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal);

    /// <summary>When the event was last observed: series, deprecated last timestamp, event time, or creation.</summary>
    public static DateTimeOffset? LastSeen(Event e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Series?.LastObservedTime ?? Deprecated(e, "deprecatedLastTimestamp") ?? e.EventTime ?? e.Metadata.CreationTimestamp;
    }

    private static DateTimeOffset? FirstSeen(Event e) =>
        e.EventTime ?? Deprecated(e, "deprecatedFirstTimestamp") ?? e.Metadata.CreationTimestamp;

    private static int Count(Event e)
    {
        if (e.Series is { Count: > 0 } series)
        {
            return series.Count;
        }

        return e.Extra is not null && e.Extra.TryGetValue("deprecatedCount", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 1;
    }

    // Events written through the core/v1 API carry their times only in the deprecated fields.
    private static DateTimeOffset? Deprecated(Event e, string field) =>
        e.Extra is not null && e.Extra.TryGetValue(field, out var v) && v.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t : null;
}
