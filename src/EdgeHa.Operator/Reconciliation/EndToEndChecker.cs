using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>The latest outcome of a pair's end-to-end data check.</summary>
/// <param name="Flowing">True: new samples were published since the last check; false: none, or the check failed; null: not known yet.</param>
/// <param name="Reason">CamelCase reason for the condition.</param>
/// <param name="Message">What was seen.</param>
public sealed record EndToEndResult(bool? Flowing, string Reason, string Message);

/// <summary>
/// The periodic end-to-end check of pairs with a simulator: every check period it asks the ACTIVE collector for the
/// samples it published since the last check (<c>GET http://pod:8080/samples?after=&lt;sequence&gt;</c>, or
/// <c>afterSample=</c> when the device has no sequence register) and reports whether the sequence advances. The pair is
/// queued when the outcome changes, so the EndToEndDataFlowing condition follows it.
/// </summary>
public sealed class EndToEndChecker : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly OperatorMetrics _metrics;
    private readonly Action<string> _onChanged;
    private readonly ConcurrentDictionary<string, Check> _checks = new(StringComparer.Ordinal);

    public EndToEndChecker(TimeProvider time, OperatorMetrics metrics, Action<string> onChanged, HttpMessageHandler? handler = null)
    {
        _time = time;
        _metrics = metrics;
        _onChanged = onChanged;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>Checks <paramref name="podIp"/> every <paramref name="period"/>; a null address (no confirmed active) stops checking.</summary>
    public void Sync(string pairKey, string? podIp, int port, TimeSpan period)
    {
        if (podIp is null)
        {
            Remove(pairKey);
            return;
        }

        var target = new Uri($"http://{(podIp.Contains(':', StringComparison.Ordinal) ? "[" + podIp + "]" : podIp)}:{port.ToString(CultureInfo.InvariantCulture)}/samples");
        if (_checks.TryGetValue(pairKey, out var existing))
        {
            if (existing.Target == target && existing.Period == period)
            {
                return;
            }

            if (_checks.TryRemove(pairKey, out var old))
            {
                old.Dispose();
            }
        }

        var check = new Check(this, pairKey, target, period);
        if (_checks.TryAdd(pairKey, check))
        {
            check.Start();
        }
        else
        {
            check.Dispose();
        }
    }

    /// <summary>The latest outcome, or null when the pair is not checked.</summary>
    public EndToEndResult? Result(string pairKey) => _checks.TryGetValue(pairKey, out var check) ? check.Result : null;

    public void Remove(string pairKey)
    {
        if (_checks.TryRemove(pairKey, out var check))
        {
            check.Dispose();
        }
    }

    /// <summary>Stops every check (leadership lost).</summary>
    public void Clear()
    {
        foreach (var key in _checks.Keys.ToList())
        {
            Remove(key);
        }
    }

    public void Dispose()
    {
        Clear();
        _http.Dispose();
    }

    private sealed class Check(EndToEndChecker owner, string pairKey, Uri target, TimeSpan period) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private ITimer? _timer;
        private int? _lastSequence;
        private long? _lastSample;
        private int _running;

        public Uri Target { get; } = target;

        public TimeSpan Period { get; } = period;

        public EndToEndResult Result { get; private set; } = new(null, "Measuring", "the first check has not completed yet");

        public void Start() => _timer = owner._time.CreateTimer(_ => _ = RunAsync(), null, TimeSpan.Zero, Period);

        private async Task RunAsync()
        {
            if (Interlocked.Exchange(ref _running, 1) == 1)
            {
                return; // the previous check is still running
            }

            try
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                var next = await CheckOnceAsync().ConfigureAwait(false);
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                var changed = next.Flowing != Result.Flowing || next.Reason != Result.Reason;
                Result = next;
                if (next.Flowing is { } flowing)
                {
                    var slash = pairKey.IndexOf('/', StringComparison.Ordinal);
                    owner._metrics.SetDataFlowing(slash < 0 ? "" : pairKey[..slash], pairKey[(slash + 1)..], flowing);
                }

                if (changed)
                {
                    owner._onChanged(pairKey);
                }
            }
            catch (ObjectDisposedException)
            {
                // Stopped while checking.
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        }

        private async Task<EndToEndResult> CheckOnceAsync()
        {
            var query = _lastSequence is { } seq ? $"?after={seq.ToString(CultureInfo.InvariantCulture)}"
                : _lastSample is { } sample ? $"?afterSample={sample.ToString(CultureInfo.InvariantCulture)}"
                : "";
            var baseline = _lastSequence is not null || _lastSample is not null;
            try
            {
                using var response = await owner._http.GetAsync(new Uri(Target, query), _stop.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return new(false, "CheckFailed", $"GET {Target}{query} answered HTTP {(int)response.StatusCode}");
                }

                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_stop.Token).ConfigureAwait(false));
                var samples = document.RootElement.TryGetProperty("samples", out var s) && s.ValueKind == JsonValueKind.Array ? s : default;
                var count = samples.ValueKind == JsonValueKind.Array ? samples.GetArrayLength() : 0;
                if (count == 0)
                {
                    return baseline
                        ? new(false, "NoNewSamples", $"no sample published since sequence {_lastSequence?.ToString(CultureInfo.InvariantCulture) ?? "-"} (sample {_lastSample?.ToString(CultureInfo.InvariantCulture) ?? "-"})")
                        : new(null, "Measuring", "the collector has published nothing yet");
                }

                var newest = samples[count - 1];
                _lastSample = newest.TryGetProperty("sample", out var n) && n.TryGetInt64(out var number) ? number : _lastSample;
                _lastSequence = newest.TryGetProperty("sequence", out var q) && q.TryGetInt32(out var sequence) ? sequence : null;
                return baseline
                    ? new(true, "SequenceAdvancing", "the active collector publishes new samples")
                    : new(null, "Measuring", "baseline taken; the next check tells whether data flows");
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException && !_stop.IsCancellationRequested)
            {
                return new(false, "CheckFailed", $"GET {Target}: {e.Message}");
            }
        }

        public void Dispose()
        {
            _timer?.Dispose();
            _stop.Cancel(); // not disposed: a check in flight may still look at its token
        }
    }
}
