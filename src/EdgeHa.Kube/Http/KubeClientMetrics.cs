using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeHa.Kube;

/// <summary>
/// Client metrics on the Meter "EdgeHa.Kube" (client-go's names): <c>rest_client_requests_total{code,method,host,verb}</c>,
/// <c>rest_client_request_duration_seconds{verb}</c>, <c>rest_client_retries_total{verb}</c> and
/// <c>rest_client_watch_malformed_lines_total</c>. As client-go (and controller-runtime's dashboards), <c>code</c> is the
/// HTTP code or "&lt;error&gt;" when no answer came, <c>method</c> the HTTP method and <c>host</c> the API server's
/// host:port (left out while the caller does not pass it); <c>verb</c> is ours, the API verb (get, list, watch, create,
/// update, patch, delete). The counts are also kept in-process (<see cref="RequestCounts"/> and friends) for tests
/// and tools that read them without a scrape.
/// </summary>
public static class KubeClientMetrics
{
    public const string MeterName = "EdgeHa.Kube";

    private static readonly ConcurrentDictionary<(string Verb, string Code), long> Counts = new();
    private static readonly ConcurrentDictionary<string, DurationTotals> Durations = new(StringComparer.Ordinal);
    private static long _malformedLines;
    private static long _retries;

    /// <summary>Prometheus' default buckets (OpenTelemetry's default ones are for milliseconds).</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static Meter Meter { get; } = new(MeterName, "1.0");

    public static Counter<long> RequestsTotal { get; } = Meter.CreateCounter<long>("rest_client_requests_total", description: "Number of HTTP requests, partitioned by status code, method, and host (and our API verb).");

    public static Histogram<double> RequestDuration { get; } = Meter.CreateHistogram(
        "rest_client_request_duration_seconds",
        unit: "s",
        description: "API request latency by verb (until the response headers for a watch).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static Counter<long> RetriesTotal { get; } = Meter.CreateCounter<long>("rest_client_retries_total", description: "Retried API requests by verb.");

    public static Counter<long> WatchMalformedLines { get; } = Meter.CreateCounter<long>("rest_client_watch_malformed_lines_total", description: "Watch lines that were not valid events (skipped).");

    /// <summary>Requests so far by (verb, code).</summary>
    public static IReadOnlyDictionary<(string Verb, string Code), long> RequestCounts => Counts.ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Latency totals so far by verb: count and sum of seconds (a Prometheus summary without quantiles).</summary>
    public static IReadOnlyDictionary<string, (long Count, double SumSeconds)> RequestDurations =>
        Durations.ToDictionary(kv => kv.Key, kv => kv.Value.Snapshot(), StringComparer.Ordinal);

    public static long MalformedWatchLines => Interlocked.Read(ref _malformedLines);

    public static long Retries => Interlocked.Read(ref _retries);

    internal static void RecordRequest(string verb, string code, TimeSpan duration, string? method = null, string? host = null)
    {
        var tags = new TagList { { "code", code }, { "method", method ?? MethodOf(verb) } };
        if (host is not null)
        {
            tags.Add("host", host);
        }

        tags.Add("verb", verb);
        RequestsTotal.Add(1, tags);
        RequestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("verb", verb));
        Counts.AddOrUpdate((verb, code), 1, static (_, v) => v + 1);
        Durations.GetOrAdd(verb, static _ => new DurationTotals()).Add(duration.TotalSeconds);
    }

    internal static void RecordRetry(string verb)
    {
        RetriesTotal.Add(1, new KeyValuePair<string, object?>("verb", verb));
        Interlocked.Increment(ref _retries);
    }

    internal static void RecordMalformedLine()
    {
        WatchMalformedLines.Add(1);
        Interlocked.Increment(ref _malformedLines);
    }

    /// <summary>The HTTP method an API verb is sent with (client-go's <c>method</c> label).</summary>
    internal static string MethodOf(string verb) => verb switch
    {
        "get" or "list" or "watch" => "GET",
        "create" => "POST",
        "update" => "PUT",
        "patch" => "PATCH",
        "delete" or "deletecollection" => "DELETE",
        _ => verb.ToUpperInvariant(),
    };

    private sealed class DurationTotals
    {
        private readonly object _gate = new();
        private long _count;
        private double _sum;

        public void Add(double seconds)
        {
            lock (_gate)
            {
                _count++;
                _sum += seconds;
            }
        }

        public (long, double) Snapshot()
        {
            lock (_gate)
            {
                return (_count, _sum);
            }
        }
    }
}
