namespace EdgeHa.Demo.Measurement;

/// <summary>
/// Measures continuity as a consumer of the MQTT topic sees it, deduping on pair + sequence as the collector's
/// documentation tells consumers to (one subscriber per pair, so the sequence alone is the key). Pure: no clock of
/// its own, the messages carry their arrival times.
/// <para>
/// Each transition's change is found in the stream itself: the first message from its new active that arrives at or
/// after its trigger and after the previous transition's change, where the sender switches to that node. The
/// transition owns the stream from there up to the next change. A missing sequence counts as lost at a handover when
/// no collector published both neighbours (the stream passed from one collector to another across it); inside one
/// collector's stream it is a polling skip, reported apart, as the VIP reader does.
/// </para>
/// <para>
/// A message whose sequence was already received is a duplicate when it is a QoS 1 redelivery (same node and
/// sample number) or when another run of messages (another collector in turn) had published that sequence, counted
/// once per run: the replay of a new active. Further polls of one counter value inside one run (the demo's
/// collectors poll four times per counter step) are repeat polls: dropped by the dedupe, nothing delivered twice.
/// </para>
/// </summary>
public static class SubscriberAnalyzer
{
    /// <param name="messages">What the subscriber received.</param>
    /// <param name="transitions">The run's transitions, in order.</param>
    /// <param name="notBuffered">Sequences promoted collectors reported they never buffered (edgeha.io/promotion-gap).</param>
    public static SubscriberReport Analyze(IReadOnlyList<ReceivedMessage> messages, IReadOnlyList<TransitionMeasurement> transitions, IReadOnlySet<long>? notBuffered = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(transitions);
        var stream = messages.Where(m => m.Sequence is not null).OrderBy(m => m.ReceivedAt).ToList();
        var withoutSequence = messages.Count - stream.Count;
        var bySequence = new SortedDictionary<long, Entry>();
        var kinds = new Arrival[stream.Count];
        var polls = new HashSet<(string, long, long)>();
        var run = 0;
        for (var i = 0; i < stream.Count; i++)
        {
            var m = stream[i];
            if (i > 0 && stream[i - 1].Node != m.Node)
            {
                run++;
            }

            // One poll is node + sample number + sequence (a restarted collector numbers its samples from 1 again).
            var redelivery = m.Sample is { } sample && !polls.Add((m.Node ?? "", sample, m.Sequence!.Value));
            if (!bySequence.TryGetValue(m.Sequence!.Value, out var entry))
            {
                entry = new Entry(i);
                bySequence[m.Sequence.Value] = entry;
                kinds[i] = Arrival.First;
            }
            else
            {
                kinds[i] = redelivery || !entry.Runs.Contains(run) ? Arrival.Duplicate : Arrival.RepeatPoll;
            }

            entry.Runs.Add(run);
            entry.Senders.Add(m.Node ?? "");
        }

        // Where each transition's new active takes over, as an index into the stream (-1: never).
        var changes = new int[transitions.Count];
        var after = -1;
        for (var t = 0; t < transitions.Count; t++)
        {
            changes[t] = -1;
            for (var i = after + 1; i < stream.Count; i++)
            {
                if (stream[i].ReceivedAt >= transitions[t].TriggerAt && stream[i].Node == transitions[t].To && (i == 0 || stream[i - 1].Node != stream[i].Node))
                {
                    changes[t] = after = i;
                    break;
                }
            }
        }

        int SegmentOf(int index)
        {
            var owner = -1;
            for (var t = 0; t < changes.Length; t++)
            {
                if (changes[t] >= 0 && changes[t] <= index)
                {
                    owner = t;
                }
            }

            return owner;
        }

        var lostBySegment = new long[transitions.Count];
        long handover = 0, polling = 0, unbuffered = 0;
        KeyValuePair<long, Entry>? previous = null;
        foreach (var current in bySequence)
        {
            if (previous is { } p && current.Key - p.Key > 1)
            {
                var missing = current.Key - p.Key - 1;
                if (p.Value.Senders.Overlaps(current.Value.Senders))
                {
                    polling += missing;
                }
                else
                {
                    var notRead = 0L;
                    for (var s = p.Key + 1; s < current.Key && notBuffered is not null; s++)
                    {
                        notRead += notBuffered.Contains(s) ? 1 : 0;
                    }

                    unbuffered += notRead;
                    handover += missing - notRead;
                    if (SegmentOf(current.Value.FirstIndex) is var owner and >= 0)
                    {
                        lostBySegment[owner] += missing - notRead;
                    }
                }
            }

            previous = current;
        }

        var perTransition = new List<SubscriberTransition>(transitions.Count);
        for (var t = 0; t < transitions.Count; t++)
        {
            var start = changes[t];
            if (start < 0)
            {
                perTransition.Add(new SubscriberTransition());
                continue;
            }

            var end = changes.Skip(t + 1).FirstOrDefault(c => c >= 0, -1) is var next and >= 0 ? next : stream.Count;
            var lastOld = stream.Take(start).LastOrDefault(m => m.Node == transitions[t].From);
            perTransition.Add(new SubscriberTransition
            {
                Received = end - start,
                Delivered = kinds.Skip(start).Take(end - start).Count(k => k == Arrival.First),
                Duplicates = kinds.Skip(start).Take(end - start).Count(k => k == Arrival.Duplicate),
                RepeatPolls = kinds.Skip(start).Take(end - start).Count(k => k == Arrival.RepeatPoll),
                Lost = lostBySegment[t],
                LastOldAt = lastOld?.ReceivedAt,
                FirstNewAt = stream[start].ReceivedAt,
            });
        }

        double? rate = null;
        if (bySequence.Count > 1 && stream[^1].ReceivedAt > stream[0].ReceivedAt)
        {
            rate = (bySequence.Keys.Last() - bySequence.Keys.First()) / (stream[^1].ReceivedAt - stream[0].ReceivedAt).TotalSeconds;
        }

        return new SubscriberReport
        {
            Received = stream.Count,
            WithoutSequence = withoutSequence,
            Delivered = bySequence.Count,
            Duplicates = kinds.Count(k => k == Arrival.Duplicate),
            RepeatPolls = kinds.Count(k => k == Arrival.RepeatPoll),
            First = bySequence.Count > 0 ? bySequence.Keys.First() : null,
            Last = bySequence.Count > 0 ? bySequence.Keys.Last() : null,
            LostAtHandover = handover,
            SkippedByPolling = polling,
            NotBufferedAtPromotion = unbuffered,
            SequencesPerSecond = rate,
            Transitions = perTransition,
        };
    }

    private enum Arrival
    {
        First,
        Duplicate,
        RepeatPoll,
    }

    private sealed class Entry(int firstIndex)
    {
        /// <summary>The stream index of the sequence's first arrival.</summary>
        public int FirstIndex { get; } = firstIndex;

        public HashSet<string> Senders { get; } = new(StringComparer.Ordinal);

        /// <summary>The runs (consecutive messages of one node) that published it.</summary>
        public HashSet<int> Runs { get; } = [];
    }
}
