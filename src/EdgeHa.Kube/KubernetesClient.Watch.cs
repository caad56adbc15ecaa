using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Kube;

public sealed partial class KubernetesClient
{
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        ResourceType type,
        string? @namespace,
        WatchOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new WatchOptions();
        var resourceVersion = options.ResourceVersion;
        var failures = 0;
        var collection = type.CollectionPath(@namespace);
        // A stream idle longer than the server's own timeout plus slack is a dead connection.
        var idle = TimeSpan.FromSeconds(options.TimeoutSeconds ?? 300) + _options.RequestTimeout;
        while (true)
        {
            var query = new QueryBuilder()
                .Add("watch", "true")
                .Add("resourceVersion", resourceVersion)
                .Add("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null)
                .Add("timeoutSeconds", options.TimeoutSeconds?.ToString(CultureInfo.InvariantCulture))
                .Add("labelSelector", options.LabelSelector)
                .Add("fieldSelector", options.FieldSelector);
            var call = new Call("watch", HttpMethod.Get, collection + query, Safe: true);

            // Errors opening the stream (after the client's own retries) end the watch: 410 as GoneException.
            var (response, _) = await SendAsync(call, streaming: true, cancellationToken).ConfigureAwait(false);
            var events = 0;
            string why;
            using (response)
            using (var stream = new WatchStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), idle, _time))
            {
                while (true)
                {
                    var next = await stream.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    if (next.Line is null)
                    {
                        why = next.Why;
                        break;
                    }

                    if (next.Line.Length == 0)
                    {
                        continue;
                    }

                    var parsed = Parse<T>(next.Line, call.Path, options);
                    if (parsed is null)
                    {
                        continue;
                    }

                    events++;
                    failures = 0;
                    resourceVersion = parsed.Value.ResourceVersion ?? resourceVersion;
                    yield return parsed.Value.Event;
                }
            }

            if (!options.Reconnect)
            {
                yield break;
            }

            Log.WatchReconnect(_logger, collection, why, resourceVersion);
            if (why != "closed" || events == 0)
            {
                // A dropped connection, or a server that closes at once: back off so we do not spin.
                failures++;
                if (why != "closed" && failures >= _options.Retry.MaxAttempts)
                {
                    throw new TimeoutException($"watch {collection}: the stream failed {failures} times in a row ({why}).");
                }

                await DelayAsync(_options.Retry.Backoff(failures, _jitter), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Parses one line; null (after reporting) when it is not a usable event. ERROR events throw.</summary>
    private (WatchEvent<T> Event, string? ResourceVersion)? Parse<T>(string line, string path, WatchOptions options)
        where T : KubernetesObject
    {
        WatchEventType type;
        JsonElement obj;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement)
                || !WatchEventTypeConverter.TryParse(typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null, out type)
                || !root.TryGetProperty("object", out var objElement)
                || objElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("not a watch event: needs a known \"type\" and an \"object\"");
            }

            obj = objElement.Clone();
        }
        catch (JsonException ex)
        {
            ReportMalformed(line, path, options, ex);
            return null;
        }

        if (type == WatchEventType.Error)
        {
            var status = TryDeserialize<Status>(obj) ?? new Status { Code = 500, Reason = "InternalError", Message = obj.GetRawText() };
            if (status.Code == 0)
            {
                status.Code = 500;
            }

            throw KubernetesErrors.FromStatus(status);
        }

        T value;
        try
        {
            value = KubeJson.Deserialize<T>(obj);
        }
        catch (JsonException ex)
        {
            ReportMalformed(line, path, options, ex);
            return null;
        }

        return (new WatchEvent<T>(type, value), value.Metadata?.ResourceVersion);
    }

    private void ReportMalformed(string line, string path, WatchOptions options, Exception error)
    {
        KubeClientMetrics.RecordMalformedLine();
        Log.MalformedWatchLine(_logger, path, error.Message, line.Length > 200 ? line[..200] + "..." : line);
        options.OnMalformedLine?.Invoke(line, error);
    }

    private static TValue? TryDeserialize<TValue>(JsonElement element)
        where TValue : class
    {
        try
        {
            return element.Deserialize<TValue>(KubeJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads lines from a watch body with an idle timeout; a drop or timeout ends it like a close, with a reason.</summary>
    private sealed class WatchStream(Stream stream, TimeSpan idle, TimeProvider time) : IDisposable
    {
        private readonly StreamReader _reader = new(stream);

        public async Task<(string? Line, string Why)> ReadLineAsync(CancellationToken cancellationToken)
        {
            using var timeout = new CancellationTokenSource(idle, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var line = await _reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                return (line, "closed");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, "idle timeout");
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                return (null, $"dropped: {ex.Message}");
            }
        }

        public void Dispose()
        {
            _reader.Dispose();
        }
    }
}
