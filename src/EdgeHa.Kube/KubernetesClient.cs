using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeHa.Kube.Config;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeHa.Kube;

/// <summary>
/// The Kubernetes API client over HTTP/1.1 + JSON. Thread-safe; create one per API server and share it. The official
/// client (<see cref="k8s.Kubernetes"/>) is the transport: its HTTP pipeline carries the configuration's TLS trust
/// (with <see cref="ServerCertificateCheck"/> for a cluster CA) and client certificate, and its credentials (token,
/// token file, exec plugin, OIDC) sign every request. On top of it this class keeps what the operator needs and the
/// library does not do: retries of retryable failures per
/// <see cref="KubeRetryPolicy"/>, a time limit on each attempt (<see cref="KubeClientOptions.RequestTimeout"/>, a
/// <see cref="TimeoutException"/> when exceeded), watches that resume from the last resourceVersion,
/// <see cref="KubeClientMetrics"/>, and typed errors.
/// </summary>
public sealed partial class KubernetesClient : IKubernetesClient, IDisposable
{
    private const string JsonMediaType = "application/json";

    private readonly k8s.KubernetesClientConfiguration _config;
    private readonly k8s.Kubernetes _api;
    private readonly KubeClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _jitter;
    private readonly string _baseUrl;

    /// <summary>
    /// Creates a client; <paramref name="handler"/> is put in front of the TLS-configured handler (tests use it to
    /// record or cut requests).
    /// </summary>
    public KubernetesClient(
        k8s.KubernetesClientConfiguration config,
        ILogger<KubernetesClient>? logger = null,
        TimeProvider? timeProvider = null,
        DelegatingHandler? handler = null,
        Random? jitter = null,
        KubeClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _options = options ?? new KubeClientOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _jitter = jitter ?? Random.Shared;
        _api = ServerCertificateCheck.CreateTransport(config, handler);
        _baseUrl = _api.BaseUri.AbsoluteUri.TrimEnd('/');
        DefaultNamespace = string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace;
        DelayAsync = (delay, ct) => Task.Delay(delay, _time, ct);
    }

    /// <summary>Waits between retries; tests replace it to observe the delays without sleeping.</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; }

    /// <summary>Loads the configuration in the standard order (KUBECONFIG, ~/.kube/config, in-cluster) and creates a client.</summary>
    public static KubernetesClient FromDefaultConfig(string? context = null, ILogger<KubernetesClient>? logger = null) =>
        new(KubeConfigLoader.Load(context), logger);

    public string DefaultNamespace { get; }

    /// <summary>The configuration this client was built from.</summary>
    public k8s.KubernetesClientConfiguration Configuration => _config;

    /// <summary>The per-request time limit and retry policy this client was built with.</summary>
    public KubeClientOptions Options => _options;

    public async Task<T> GetAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        var path = type.ObjectPath(Ns(type, @namespace), name);
        return await SendForObjectAsync<T>(new Call("get", HttpMethod.Get, path, Safe: true), cancellationToken).ConfigureAwait(false);
    }

    public async Task<KubernetesList<T>> ListAsync<T>(ResourceType type, string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new ListOptions();
        var query = new QueryBuilder()
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("limit", options.Limit?.ToString(CultureInfo.InvariantCulture))
            .Add("continue", options.Continue)
            .Add("resourceVersion", options.ResourceVersion);
        var path = type.CollectionPath(@namespace) + query;
        return await SendForObjectAsync<KubernetesList<T>>(new Call("list", HttpMethod.Get, path, Safe: true), cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> CreateAsync<T>(ResourceType type, T obj, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        FillTypeMeta(type, obj);
        var ns = type.Namespaced ? @namespace ?? obj.Metadata.Namespace ?? DefaultNamespace : null;
        var call = new Call("create", HttpMethod.Post, type.CollectionPath(ns), Safe: false, Body: Serialize(obj), ContentType: JsonMediaType);
        return await SendForObjectAsync<T>(call, cancellationToken).ConfigureAwait(false);
    }

    public Task<T> ReplaceAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject => PutAsync(type, obj, null, cancellationToken);

    public Task<T> ReplaceStatusAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken = default)
        where T : KubernetesObject => PutAsync(type, obj, "status", cancellationToken);

    public Task<T> PatchAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken = default)
        where T : KubernetesObject => PatchCoreAsync<T>(type, @namespace, name, patch, null, cancellationToken);

    public Task<T> PatchStatusAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken = default)
        where T : KubernetesObject => PatchCoreAsync<T>(type, @namespace, name, patch, "status", cancellationToken);

    public async Task<T?> DeleteAsync<T>(ResourceType type, string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        var path = type.ObjectPath(Ns(type, @namespace), name);
        var body = options is null ? null : KubeJson.Serialize(options);
        var call = new Call("delete", HttpMethod.Delete, path, Safe: true, Body: body, ContentType: body is null ? null : JsonMediaType);
        var text = await SendForTextAsync(call, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            // A Success Status means the object is gone. An object in the answer is still terminating only when it
            // carries a deletionTimestamp (finalizers, graceful pod deletion); otherwise it is the deleted object.
            if (doc.RootElement.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status"))
            {
                return null;
            }

            var obj = KubeJson.Deserialize<T>(doc.RootElement);
            return obj?.Metadata.DeletionTimestamp is null ? null : obj;
        }
        catch (JsonException ex)
        {
            throw InvalidAnswer(call, ex);
        }
    }

    public void Dispose() => _api.Dispose();

    private async Task<T> PutAsync<T>(ResourceType type, T obj, string? subresource, CancellationToken cancellationToken)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        FillTypeMeta(type, obj);
        var name = obj.Metadata.Name ?? throw new ArgumentException("metadata.name is required to replace an object.", nameof(obj));
        var path = type.ObjectPath(Ns(type, obj.Metadata.Namespace), name, subresource);
        // With a resourceVersion a repeated PUT cannot overwrite a newer object (it gets 409), so it is safe to retry.
        var safe = !string.IsNullOrEmpty(obj.Metadata.ResourceVersion);
        var call = new Call("update", HttpMethod.Put, path, safe, Serialize(obj), JsonMediaType);
        return await SendForObjectAsync<T>(call, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> PatchCoreAsync<T>(ResourceType type, string? @namespace, string name, KubePatch patch, string? subresource, CancellationToken cancellationToken)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(patch);
        var path = type.ObjectPath(Ns(type, @namespace), name, subresource);
        var call = new Call("patch", HttpMethod.Patch, path, Safe: false, Body: patch.Content, ContentType: patch.ContentType);
        return await SendForObjectAsync<T>(call, cancellationToken).ConfigureAwait(false);
    }

    private string? Ns(ResourceType type, string? @namespace) =>
        type.Namespaced ? (string.IsNullOrEmpty(@namespace) ? DefaultNamespace : @namespace) : null;

    private static void FillTypeMeta(ResourceType type, KubernetesObject obj)
    {
        obj.ApiVersion ??= type.ApiVersion;
        obj.Kind ??= type.Kind;
    }

    private static string Serialize<T>(T obj) => JsonSerializer.Serialize(obj, obj!.GetType(), KubeJson.Options);

    private async Task<T> SendForObjectAsync<T>(Call call, CancellationToken cancellationToken)
    {
        var text = await SendForTextAsync(call, cancellationToken).ConfigureAwait(false);
        try
        {
            return KubeJson.Deserialize<T>(text);
        }
        catch (JsonException ex)
        {
            throw InvalidAnswer(call, ex);
        }
    }

    private static KubernetesApiException InvalidAnswer(Call call, JsonException ex) => new(
        new Status { Outcome = "Failure", Code = 200, Reason = "InvalidResponse", Message = $"{call.Verb} {call.Path}: the answer is not the expected JSON: {ex.Message}" },
        ex);

    private async Task<string> SendForTextAsync(Call call, CancellationToken cancellationToken)
    {
        var (response, body) = await SendAsync(call, streaming: false, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        return body ?? "";
    }

    /// <summary>
    /// Sends with retries. Success: the response (with its body read unless <paramref name="streaming"/>).
    /// Failure: a typed <see cref="KubernetesApiException"/>, a <see cref="TimeoutException"/>, or the
    /// <see cref="HttpRequestException"/> of the last attempt.
    /// </summary>
    private async Task<(HttpResponseMessage Response, string? Body)> SendAsync(Call call, bool streaming, CancellationToken cancellationToken)
    {
        var policy = _options.Retry;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = _time.GetTimestamp();
            Exception failure;
            TimeSpan? retryAfter = null;
            bool retryable;
            using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                HttpResponseMessage? response = null;
                try
                {
                    using var request = BuildRequest(call);
                    if (_api.Credentials is { } credentials)
                    {
                        await credentials.ProcessHttpRequestAsync(request, linked.Token).ConfigureAwait(false);
                    }

                    response = await _api.HttpClient.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                    var code = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        var body = streaming ? null : await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                        Record(call, code.ToString(CultureInfo.InvariantCulture), started);
                        var ok = response;
                        response = null;
                        return (ok, body);
                    }

                    var errorBody = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                    Record(call, code.ToString(CultureInfo.InvariantCulture), started);
                    retryAfter = ParseRetryAfter(response.Headers.RetryAfter);
                    var error = KubernetesErrors.FromResponse(code, errorBody, retryAfter);
                    retryAfter ??= error.RetryAfter;
                    failure = error;
                    retryable = IsRetryable(call, code, retryAfter is not null);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
                {
                    Record(call, "<error>", started);
                    failure = new TimeoutException($"{call.Verb} {call.Path}: no answer within {_options.RequestTimeout.TotalSeconds:0.###} s.", ex);
                    retryable = call.Safe;
                }
                catch (HttpRequestException ex)
                {
                    Record(call, "<error>", started);
                    failure = ex;
                    // A TLS or credential failure will fail the same way again; other transport errors are transient.
                    retryable = call.Safe && ex.HttpRequestError is not (HttpRequestError.SecureConnectionError or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded);
                }
                finally
                {
                    response?.Dispose();
                }
            }

            if (!retryable || attempt >= policy.MaxAttempts)
            {
                throw failure;
            }

            var delay = retryAfter is { } ra ? (ra > policy.MaxRetryAfter ? policy.MaxRetryAfter : ra) : policy.Backoff(attempt, _jitter);
            Log.Retrying(_logger, call.Verb, call.Path, failure.Message, attempt, policy.MaxAttempts - 1, delay.TotalMilliseconds);
            KubeClientMetrics.RecordRetry(call.Verb);
            await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsRetryable(Call call, int code, bool serverSaidRetryAfter) => code switch
    {
        429 => call.Safe || serverSaidRetryAfter,
        503 => call.Safe || serverSaidRetryAfter,
        500 or 502 or 504 => call.Safe,
        _ => false,
    };

    private HttpRequestMessage BuildRequest(Call call)
    {
        var request = new HttpRequestMessage(call.Method, _baseUrl + call.Path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        if (!string.IsNullOrEmpty(_config.TlsServerName))
        {
            // As the official client does: the Host header is the name TLS sends (SNI) and checks the certificate for.
            request.Headers.Host = _config.TlsServerName;
        }

        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(call.ContentType ?? JsonMediaType);
        }

        return request;
    }

    private TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private void Record(Call call, string code, long started)
    {
        var elapsed = _time.GetElapsedTime(started);
        KubeClientMetrics.RecordRequest(call.Verb, code, elapsed, call.Method.Method, _api.BaseUri.Authority);
        Log.Request(_logger, call.Verb, call.Path, code, elapsed.TotalMilliseconds);
    }

    /// <summary>One API call: the verb for metrics, and whether repeating it cannot do harm.</summary>
    private sealed record Call(string Verb, HttpMethod Method, string Path, bool Safe, string? Body = null, string? ContentType = null);

    private sealed class QueryBuilder
    {
        private readonly StringBuilder _text = new();

        public QueryBuilder Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                _text.Append(_text.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
            }

            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
