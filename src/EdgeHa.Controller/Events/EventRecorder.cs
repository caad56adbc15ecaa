using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Controller.Events;

/// <summary>
/// Records events.k8s.io/v1 Events with client-go's (tools/events) semantics: an Event names the object it is about
/// (<c>regarding</c>), a CamelCase <c>reason</c>, an <c>action</c>, a <c>note</c>, a type Normal or Warning, and the
/// reporting controller and instance. Repeats of the same event (same regarding object, related object, type,
/// reason, action, note and reporter) within <see cref="EventRecorderOptions.SeriesWindow"/> of the previous one are
/// aggregated: the first Event's <c>series.count</c> and <c>series.lastObservedTime</c> are updated instead of
/// creating another Event. A different note is a different event, as core/v1's correlator keys on the message: a
/// grant to edge-b at epoch 2 must not read as a repeat of the grant to edge-a at epoch 1. Recording never throws for API failures: they are logged, since an
/// Event is never worth failing a reconcile for.
/// </summary>
public sealed partial class EventRecorder
{
    private const int MaxNoteBytes = 1024;
    private const int PurgeThreshold = 512;

    private readonly IEventSink _sink;
    private readonly EventRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, SeriesEntry> _cache = new(StringComparer.Ordinal);
    private long _lastNameNanos;

    public EventRecorder(IEventSink sink, EventRecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ReportingController, nameof(options.ReportingController));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ReportingInstance, nameof(options.ReportingInstance));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SeriesWindow, TimeSpan.Zero);
        _sink = sink;
        _options = options;
        _time = options.TimeProvider;
        _logger = options.Logger ?? NullLogger.Instance;
    }

    /// <summary>Records a Normal event.</summary>
    public Task NormalAsync(KubernetesObject regarding, string reason, string action, string note, CancellationToken cancellationToken = default) =>
        RecordAsync(regarding, null, EventTypes.Normal, reason, action, note, cancellationToken);

    /// <summary>Records a Warning event.</summary>
    public Task WarningAsync(KubernetesObject regarding, string reason, string action, string note, CancellationToken cancellationToken = default) =>
        RecordAsync(regarding, null, EventTypes.Warning, reason, action, note, cancellationToken);

    /// <summary>
    /// Records an event about <paramref name="regarding"/> (optionally also naming <paramref name="related"/>).
    /// Throws <see cref="ArgumentException"/> for an invalid type, reason or action (a programming error); API
    /// failures are logged, not thrown.
    /// </summary>
    public async Task RecordAsync(
        KubernetesObject regarding,
        KubernetesObject? related,
        string type,
        string reason,
        string action,
        string note,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        if (type is not (EventTypes.Normal or EventTypes.Warning))
        {
            throw new ArgumentException($"Event type '{type}' is invalid: expected Normal or Warning.", nameof(type));
        }

        if (string.IsNullOrEmpty(reason) || reason.Length > 128 || !CamelCase().IsMatch(reason))
        {
            throw new ArgumentException($"Event reason '{reason}' is invalid: expected CamelCase such as FailoverCompleted (at most 128 characters).", nameof(reason));
        }

        if (string.IsNullOrEmpty(action) || action.Length > 128)
        {
            throw new ArgumentException("Event action must not be empty and at most 128 characters.", nameof(action));
        }

        if (string.IsNullOrEmpty(regarding.Metadata.Name))
        {
            throw new ArgumentException("The regarding object has no metadata.name.", nameof(regarding));
        }

        var regardingRef = ObjectReference.To(regarding);
        var relatedRef = related is null ? null : ObjectReference.To(related);
        note = Truncate(note ?? "");
        var key = string.Join(
            '\u0001',
            type,
            note,
            reason,
            action,
            _options.ReportingController,
            _options.ReportingInstance,
            RefKey(regardingRef),
            relatedRef is null ? "" : RefKey(relatedRef));

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            PurgeExpired(now);
            if (_cache.TryGetValue(key, out var entry) && now - entry.LastObserved <= _options.SeriesWindow)
            {
                entry.Count++;
                entry.LastObserved = now;
                entry.Event.Series = new EventSeries { Count = entry.Count, LastObservedTime = now };
                try
                {
                    entry.Event = await _sink.UpdateSeriesAsync(entry.Event, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The Event may be gone (TTL, deleted); the next repeat starts a new one.
                    _cache.Remove(key);
                    Log.EventWriteFailed(_logger, reason, regardingRef.Name ?? "", ex.Message);
                }

                return;
            }

            var ev = new Event
            {
                Metadata = new ObjectMeta
                {
                    Name = NewName(regardingRef.Name!, now),
                    Namespace = string.IsNullOrEmpty(regardingRef.Namespace) ? "default" : regardingRef.Namespace,
                },
                EventTime = now,
                ReportingController = _options.ReportingController,
                ReportingInstance = _options.ReportingInstance,
                Action = action,
                Reason = reason,
                Type = type,
                Regarding = regardingRef,
                Related = relatedRef,
                Note = note,
            };
            try
            {
                var created = await _sink.CreateAsync(ev, cancellationToken).ConfigureAwait(false);
                _cache[key] = new SeriesEntry(created, now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.EventWriteFailed(_logger, reason, regardingRef.Name ?? "", ex.Message);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static string RefKey(ObjectReference r) =>
        string.Join('/', r.ApiVersion, r.Kind, r.Namespace, r.Name, r.Uid, r.FieldPath); // not resourceVersion: it changes on every write

    private static string Truncate(string note)
    {
        if (Encoding.UTF8.GetByteCount(note) <= MaxNoteBytes)
        {
            return note;
        }

        var builder = new StringBuilder();
        var bytes = 0;
        foreach (var rune in note.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > MaxNoteBytes - 3)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.Append("...").ToString();
    }

    private string NewName(string regardingName, DateTimeOffset now)
    {
        // client-go: <regarding name>.<unix nanos in hex>; kept strictly increasing so names never collide here.
        var nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        _lastNameNanos = Math.Max(nanos, _lastNameNanos + 1);
        return $"{regardingName}.{_lastNameNanos.ToString("x", CultureInfo.InvariantCulture)}";
    }

    private void PurgeExpired(DateTimeOffset now)
    {
        if (_cache.Count < PurgeThreshold)
        {
            return;
        }

        foreach (var (key, entry) in _cache.ToArray())
        {
            if (now - entry.LastObserved > _options.SeriesWindow)
            {
                _cache.Remove(key);
            }
        }
    }

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex CamelCase();

    private sealed class SeriesEntry(Event ev, DateTimeOffset firstSeen)
    {
        public Event Event { get; set; } = ev;

        public int Count { get; set; } = 1;

        public DateTimeOffset LastObserved { get; set; } = firstSeen;
    }
}
