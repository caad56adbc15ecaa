using System.Globalization;
using System.Text.Json.Nodes;
using EdgeHa.Demo.Scenario;
using EdgeHa.Fencing;

namespace EdgeHa.Demo.Infrastructure;

/// <summary>Reads a RedundantPair's status and Event lists from their JSON (tolerant: missing fields are null).</summary>
public static class StatusJson
{
    public static PairSnapshot Snapshot(JsonObject status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var nodes = (status["nodes"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(n => new NodeHealth(Str(n["name"]) ?? "?", Str(n["role"]), Bool(n["ready"]), Bool(n["healthy"])))
            .ToList();
        TransitionSnapshot? transition = null;
        if (status["lastTransition"] is JsonObject t)
        {
            transition = new TransitionSnapshot(Time(t["time"]), Str(t["reason"]), Str(t["from"]), Str(t["to"]), Long(t["detectionMilliseconds"]), Long(t["switchMilliseconds"]));
        }

        return new PairSnapshot
        {
            Phase = Str(status["phase"]),
            ActiveNode = Str(status["activeNode"]),
            Epoch = Long(status["epoch"]),
            FailoverCount = Long(status["failoverCount"]),
            PredictedFailoverMs = Long(status["predictedFailoverMilliseconds"]),
            Nodes = nodes,
            LastTransition = transition,
            Rollout = status["rollout"] is JsonObject r ? new RolloutSnapshot(Str(r["templateHash"]), Str(r["phase"]), Str(r["message"])) : null,
        };
    }

    /// <summary>
    /// The pair Lease's holder and the last published sequence its holder recorded, as the device register value the
    /// demo compares samples with (the Lease records it unwrapped to 64 bits), and the holder's promotion gap report.
    /// </summary>
    public static LeaseSnapshot Lease(JsonObject lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var annotations = lease["metadata"]?["annotations"];
        var recorded = PublishedSequence.Parse(Str(annotations?[FencingAnnotations.LastPublishedSequence]));
        return new LeaseSnapshot(Str(lease["spec"]?["holderIdentity"]), recorded is { } s ? PublishedSequence.DeviceValue(s) : null,
            PromotionGap.Parse(Str(annotations?[FencingAnnotations.PromotionGap])));
    }

    /// <summary>The Events of a list (events.k8s.io/v1 or core/v1) about one of <paramref name="names"/>.</summary>
    public static IEnumerable<PairEvent> Events(JsonObject? list, IReadOnlySet<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var e in (list?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var about = e["regarding"] as JsonObject ?? e["involvedObject"] as JsonObject;
            if (Str(about?["name"]) is not { } name || !names.Contains(name))
            {
                continue;
            }

            var at = Time(e["series"]?["lastObservedTime"]) ?? Time(e["eventTime"]) ?? Time(e["lastTimestamp"]) ?? Time(e["metadata"]?["creationTimestamp"]);
            if (at is null)
            {
                continue;
            }

            var count = Long(e["series"]?["count"]) ?? Long(e["count"]) ?? 1;
            var key = $"{Str(e["metadata"]?["uid"])}/{count}";
            var note = Str(e["note"]) ?? Str(e["message"]);
            // A repeat keeps the first occurrence's note, which would be stale here: say it is a repeat instead.
            yield return new PairEvent(key, at.Value, Str(e["type"]), Str(e["reason"]), count > 1 ? $"repeated ({count} times in all)" : note);
        }
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    private static DateTimeOffset? Time(JsonNode? node) =>
        Str(node) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
