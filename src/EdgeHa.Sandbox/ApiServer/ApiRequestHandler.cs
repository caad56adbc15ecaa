using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>Routes HTTP requests to discovery, the admin endpoints and the resource verbs.</summary>
internal sealed class ApiRequestHandler
{
    private static readonly UTF8Encoding Utf8 = new(false);

    // Quotes and '<' stay unescaped in messages, as Go's encoder writes them for kubectl to print.
    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ResourceRegistry _registry;
    private readonly ObjectStore _store;
    private readonly SandboxFaults _faults;
    private readonly SandboxApiServerOptions _options;
    private readonly TableConverter _tables;
    private readonly string _token;
    private readonly ServiceAccountTokens _serviceAccountTokens;
    private readonly RbacAuthorizer? _rbac;
    private readonly RbacEscalationCheck? _escalation;
    private readonly ILogger _logger;

    public ApiRequestHandler(ResourceRegistry registry, ObjectStore store, SandboxFaults faults, SandboxApiServerOptions options, string token, ServiceAccountTokens serviceAccountTokens, ILogger logger)
    {
        _registry = registry;
        _store = store;
        _faults = faults;
        _options = options;
        _token = token;
        _serviceAccountTokens = serviceAccountTokens;
        _rbac = options.AuthorizeWithRbac ? new RbacAuthorizer(store, registry) : null;
        _escalation = _rbac is null ? null : new RbacEscalationCheck(_rbac, store, registry);
        _logger = logger;
        _tables = new TableConverter(options.TimeProvider);
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        try
        {
            await RouteAsync(ctx, path);
        }
        catch (ApiException e)
        {
            await WriteErrorAsync(ctx, e);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(ctx, ApiException.BadRequest($"the body of the request could not be decoded: {e.Message}"));
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // JsonNode throws these when a field has the wrong JSON type (e.g. a numeric metadata.name).
            await WriteErrorAsync(ctx, ApiException.BadRequest($"the object could not be decoded: {e.Message}"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A sandbox bug must still answer with a Status body, never drop the connection.
            Log.Unexpected(_logger, e, ctx.Request.Method, path);
            await WriteErrorAsync(ctx, ApiException.Internal($"sandbox internal error: {e.Message}"));
        }

        Log.Served(_logger, ctx.Request.Method, path, ctx.Response.StatusCode);
    }

    private async Task RouteAsync(HttpContext ctx, string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["healthz" or "livez" or "readyz", ..])
        {
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("ok");
            return;
        }

        if (segments is ["version"])
        {
            await WriteJsonAsync(ctx, 200, Discovery.Version());
            return;
        }

        var user = Authenticate(ctx);
        ctx.Items[typeof(RequestUser)] = user;
        // Resource requests are authorized once their resource is known (ResourceAsync); the rest here, /sandbox for the admin only.
        if (_rbac is not null && segments is not (["api", _, _, ..] or ["apis", _, _, _, ..]))
        {
            var attributes = RequestAttributes.NonResource(ctx.Request.Method.ToLowerInvariant(), path);
            if (segments is ["sandbox", ..] ? !user.IsMaster : !_rbac.Allows(user, attributes))
            {
                throw RbacAuthorizer.Forbidden(user, attributes);
            }
        }

        switch (segments)
        {
            case []:
                await WriteJsonAsync(ctx, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/version") });
                return;
            case ["sandbox", .. var admin]:
                await AdminAsync(ctx, admin);
                return;
            case ["openapi", "v3"]:
                await WriteJsonAsync(ctx, 200, OpenApi.Root(_registry));
                return;
            case ["openapi", "v3", .. var gv]:
                await WriteJsonAsync(ctx, 200, OpenApi.GroupVersion(_registry, string.Join('/', gv)) ?? throw NotFoundPath());
                return;
            case ["api"]:
                await WriteJsonAsync(ctx, 200, Discovery.CoreVersions($"{ctx.Request.Host.Host}:{ctx.Request.Host.Port}"));
                return;
            case ["api", var v]:
                await WriteJsonAsync(ctx, 200, Discovery.ResourceList(_registry, "", v) ?? throw NotFoundPath());
                return;
            case ["apis"]:
                await WriteJsonAsync(ctx, 200, Discovery.GroupList(_registry));
                return;
            case ["apis", var g]:
                await WriteJsonAsync(ctx, 200, Discovery.GroupDocument(_registry, g) ?? throw NotFoundPath());
                return;
            case ["apis", var g, var v]:
                await WriteJsonAsync(ctx, 200, Discovery.ResourceList(_registry, g, v) ?? throw NotFoundPath());
                return;
            case ["api", var v, .. var rest]:
                await ResourceAsync(ctx, ResourcePath.Parse("", v, rest) ?? throw NotFoundPath());
                return;
            case ["apis", var g, var v, .. var rest]:
                await ResourceAsync(ctx, ResourcePath.Parse(g, v, rest) ?? throw NotFoundPath());
                return;
            default:
                throw NotFoundPath();
        }
    }

    /// <summary>
    /// Who is calling: the sandbox token or a client certificate is the admin; a token minted for a ServiceAccount is
    /// that ServiceAccount while it exists. An admin may act as another user with kubectl's impersonation headers
    /// (<c>--as</c>, <c>--as-group</c>), which is how <c>kubectl auth can-i --as</c> asks.
    /// </summary>
    private RequestUser Authenticate(HttpContext ctx)
    {
        // Kestrel has already checked that a presented client certificate chains to the sandbox CA.
        var auth = ctx.Request.Headers.Authorization.ToString();
        // kubectl sends no bearer token over plain HTTP, so without TLS a request without credentials is let in.
        var anonymousHttp = !ctx.Request.IsHttps && auth.Length == 0;
        RequestUser user;
        if (auth == "Bearer " + _token || ctx.Connection.ClientCertificate is not null || anonymousHttp)
        {
            user = RequestUser.Admin;
        }
        else if (auth.StartsWith("Bearer ", StringComparison.Ordinal)
            && _serviceAccountTokens.Authenticate(auth["Bearer ".Length..], _options.TimeProvider.GetUtcNow()) is { } serviceAccount
            && ServiceAccountExists(serviceAccount))
        {
            user = serviceAccount;
        }
        else
        {
            throw ApiException.Unauthorized();
        }

        var asUser = ctx.Request.Headers["Impersonate-User"].ToString();
        if (asUser.Length == 0)
        {
            return user;
        }

        if (!user.IsMaster)
        {
            throw RbacAuthorizer.Forbidden(user, new RequestAttributes("impersonate", "", "users", null, null, asUser));
        }

        var groups = ctx.Request.Headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        if (groups.Count == 0 && new RequestUser(asUser, []).ServiceAccountName is { } sa)
        {
            // As kube-apiserver: impersonating a ServiceAccount without groups gives it the ServiceAccount groups.
            return RequestUser.ServiceAccount(sa.Namespace, sa.Name);
        }

        groups.Add(RequestUser.Authenticated);
        return new RequestUser(asUser, groups.Distinct(StringComparer.Ordinal).ToList());
    }

    private bool ServiceAccountExists(RequestUser serviceAccount)
    {
        var (ns, name) = serviceAccount.ServiceAccountName!.Value;
        try
        {
            _store.Get(_registry.Find("", "v1", "serviceaccounts")!, ns, name);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false; // a deleted ServiceAccount's tokens stop working, as bound tokens do
        }
    }

    /// <summary>The 403 messages of resource requests RBAC refused, oldest first (what a test of permissions asserts on).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Denials { get; } = new();

    /// <summary>Answers 403 unless RBAC (when enforced) lets the caller do what the request asks.</summary>
    private void Authorize(HttpContext ctx, ResourceType t, ResourcePath p, string? fieldSelector)
    {
        if (_rbac is null)
        {
            return;
        }

        var method = ctx.Request.Method;
        var watch = p.LegacyWatch || (method == "GET" && IsTrue(ctx.Request.Query["watch"]));
        var verb = RequestAttributes.VerbOf(method, p.Name is not null && !p.LegacyWatch, watch);
        var name = p.Name;
        if (name is null && verb is "list" or "watch" && fieldSelector is { Length: > 0 })
        {
            // As kube-apiserver: a list or watch selecting one name by field is authorized as that name (a selector
            // that does not parse names nothing here; the request answers 400 for it once authorized).
            try
            {
                name = FieldSelector.Parse(fieldSelector, t).RequiredValue("metadata.name");
            }
            catch (ApiException)
            {
            }
        }

        var attributes = new RequestAttributes(verb, t.Group, t.Plural, p.Subresource, t.Namespaced ? p.Namespace : null, name);
        var user = (RequestUser)ctx.Items[typeof(RequestUser)]!;
        if (!_rbac.Allows(user, attributes))
        {
            var denied = RbacAuthorizer.Forbidden(user, attributes);
            Denials.Enqueue(denied.Message);
            throw denied;
        }
    }

    /// <summary>With RBAC enforced: refuses a Role or binding that would grant the caller's writer more than it holds.</summary>
    private void CheckEscalation(HttpContext ctx, ResourceType t, string ns, JsonObject obj)
    {
        if (_escalation is null)
        {
            return;
        }

        try
        {
            _escalation.Check((RequestUser)ctx.Items[typeof(RequestUser)]!, t, t.Namespaced ? ns : null, obj);
        }
        catch (ApiException denied) when (denied.Code == 403)
        {
            Denials.Enqueue(denied.Message);
            throw;
        }
    }

    private static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    private async Task ResourceAsync(HttpContext ctx, ResourcePath p)
    {
        var t = _registry.Find(p.Group, p.Version, p.Plural) ?? throw NotFoundPath();
        if ((t.Namespaced && p.Namespace is null && p.Name is not null) || (!t.Namespaced && p.Namespace is not null))
        {
            throw NotFoundPath();
        }

        Authorize(ctx, t, p, ctx.Request.Query["fieldSelector"].ToString());
        if (t.Group == ResourceRegistry.AuthorizationGroup && t.Plural == "selfsubjectaccessreviews" && p.Name is null && ctx.Request.Method == "POST")
        {
            await SelfSubjectAccessReviewAsync(ctx);
            return;
        }

        if (p.Subresource == "token" && t.HasToken && p.Name is not null && ctx.Request.Method == "POST")
        {
            await TokenRequestAsync(ctx, t, p.Namespace ?? "", p.Name);
            return;
        }

        var statusOnly = false;
        if (p.Subresource == "scale" && t.HasScale && p.Name is not null)
        {
            await InjectFaultsAsync(ctx, p);
            await ScaleAsync(ctx, t, p.Namespace ?? "", p.Name);
            return;
        }

        if (p.Subresource is not null)
        {
            if (p.Subresource != "status" || !t.HasStatus)
            {
                throw NotFoundPath();
            }

            statusOnly = true;
        }

        await InjectFaultsAsync(ctx, p);
        var q = ctx.Request.Query;
        var ns = t.Namespaced ? p.Namespace ?? "" : "";
        var method = ctx.Request.Method;
        var dryRun = q.ContainsKey("dryRun");
        var table = TableConverter.WantsTable(ctx.Request.Headers.Accept.ToString());
        if (method == "GET" && (p.Name is null || p.LegacyWatch))
        {
            var labels = LabelSelector.Parse(q["labelSelector"]);
            var fieldText = q["fieldSelector"].ToString();
            if (p.Name is not null)
            {
                fieldText = string.IsNullOrEmpty(fieldText) ? $"metadata.name={p.Name}" : $"{fieldText},metadata.name={p.Name}";
            }

            var fields = FieldSelector.Parse(fieldText, t);
            if (p.LegacyWatch || IsTrue(q["watch"]))
            {
                await WatchAsync(ctx, t, p.Namespace, labels, fields, table);
                return;
            }

            var limit = int.TryParse(q["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
            var page = _store.List(t, p.Namespace, labels, fields, limit, q["continue"]);
            var rv = page.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            if (table)
            {
                await WriteJsonAsync(ctx, 200, _tables.Convert(t, page.Items.Select(i => Present(t, i)), rv, page.Continue, q["includeObject"]));
                return;
            }

            var meta = new JsonObject { ["resourceVersion"] = rv };
            if (page.Continue is not null)
            {
                meta["continue"] = page.Continue;
                meta["remainingItemCount"] = page.RemainingItemCount;
            }

            var items = new JsonArray();
            foreach (var i in page.Items)
            {
                items.Add(Present(t, i));
            }

            await WriteJsonAsync(ctx, 200, new JsonObject { ["apiVersion"] = t.ApiVersion, ["kind"] = t.Kind + "List", ["metadata"] = meta, ["items"] = items });
            return;
        }

        switch (method)
        {
            case "GET":
                var obj = Present(t, _store.Get(t, ns, p.Name!));
                await WriteJsonAsync(ctx, 200, table ? _tables.Convert(t, [obj], ObjectStore.ResourceVersionOf(obj), null, ctx.Request.Query["includeObject"]) : obj);
                return;
            case "POST" when p.Name is null:
                if (t.Namespaced && p.Namespace is null)
                {
                    throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
                }

                var posted = await ReadObjectAsync(ctx, t);
                CheckEscalation(ctx, t, ns, posted);
                var created = _store.Create(t, ns, posted, dryRun);
                await WriteJsonAsync(ctx, 201, Present(t, created));
                return;
            case "PUT" when p.Name is not null:
                var body = await ReadObjectAsync(ctx, t);
                CheckEscalation(ctx, t, ns, body);
                await WriteJsonAsync(ctx, 200, Present(t, _store.Update(t, ns, p.Name, body, statusOnly, requireResourceVersion: t.IsCustom && !statusOnly, dryRun)));
                return;
            case "PATCH" when p.Name is not null:
                await PatchAsync(ctx, t, ns, p.Name, statusOnly, dryRun);
                return;
            case "DELETE" when p.Name is not null:
                var (policy, uid, version) = await ReadDeleteOptionsAsync(ctx);
                var (gone, pending) = _store.Delete(t, ns, p.Name, policy, uid, version, dryRun);

                // As kube-apiserver: 202 Accepted with the object while finalizers keep it; once it is gone, pods
                // answer with the deleted object and every other kind with a Success Status.
                if (pending || (t.Group.Length == 0 && t.Plural == "pods"))
                {
                    await WriteJsonAsync(ctx, pending ? 202 : 200, Present(t, gone));
                }
                else
                {
                    await WriteJsonAsync(ctx, 200, DeletedStatus(t, gone));
                }

                return;
            case "DELETE":
                var (collectionPolicy, _, _) = await ReadDeleteOptionsAsync(ctx);
                var doomed = _store.List(t, p.Namespace, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"], t), 0, null);
                var deleted = new JsonArray();
                foreach (var d in doomed.Items)
                {
                    try
                    {
                        deleted.Add(Present(t, _store.Delete(t, ObjectStore.Namespace(d), ObjectStore.Name(d), collectionPolicy, null, null, dryRun).Result));
                    }
                    catch (ApiException e) when (e.Code == 404)
                    {
                        // Already gone through a cascade of an earlier item.
                    }
                }

                await WriteJsonAsync(ctx, 200, new JsonObject { ["apiVersion"] = t.ApiVersion, ["kind"] = t.Kind + "List", ["metadata"] = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString(CultureInfo.InvariantCulture) }, ["items"] = deleted });
                return;
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private async Task PatchAsync(HttpContext ctx, ResourceType t, string ns, string name, bool statusOnly, bool dryRun)
    {
        var contentType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        var patch = await ReadJsonAsync(ctx);
        Func<JsonObject, JsonObject> apply;
        var createIfMissing = false;
        switch (contentType)
        {
            case "application/json-patch+json":
                apply = o => JsonPatch.Apply(o, patch) as JsonObject ?? throw ApiException.BadRequest("json patch result is not an object");
                break;
            case "application/merge-patch+json":
                apply = o => MergePatch.Apply(o, patch) as JsonObject ?? throw ApiException.BadRequest("merge patch result is not an object");
                break;
            case "application/strategic-merge-patch+json" when !t.IsCustom:
                apply = o => StrategicMergePatch.Apply(o, patch) as JsonObject ?? throw ApiException.BadRequest("strategic merge patch result is not an object");
                break;
            case "application/apply-patch+yaml":
                // Server-side apply without field ownership: the applied configuration is merged in.
                createIfMissing = true;
                apply = o => (t.IsCustom ? MergePatch.Apply(o, patch) : StrategicMergePatch.Apply(o, patch)) as JsonObject ?? throw ApiException.BadRequest("apply configuration is not an object");
                break;
            default:
                throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(t.IsCustom ? "" : ", application/strategic-merge-patch+json")}");
        }

        if (EventConversion.Applies(t))
        {
            // Patch the events.k8s.io form the client sees, store the core form.
            var patchShown = apply;
            apply = o => EventConversion.ToCore(patchShown(EventConversion.ToEventsV1(o)));
        }

        if (_escalation is not null)
        {
            var patchOnly = apply;
            apply = o =>
            {
                var patched = patchOnly(o);
                CheckEscalation(ctx, t, ns, patched);
                return patched;
            };
        }

        var (result, created) = _store.Patch(t, ns, name, apply, statusOnly, dryRun, createIfMissing);
        await WriteJsonAsync(ctx, created ? 201 : 200, Present(t, result));
    }

    /// <summary>What <c>kubectl auth can-i</c> asks: may the caller (or the user it impersonates) do this?</summary>
    private async Task SelfSubjectAccessReviewAsync(HttpContext ctx)
    {
        var review = await ReadJsonAsync(ctx) as JsonObject ?? throw ApiException.BadRequest("the body must be a SelfSubjectAccessReview");
        var spec = review["spec"] as JsonObject ?? throw ApiException.BadRequest("spec: Required value");
        static string Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        RequestAttributes attributes;
        if (spec["resourceAttributes"] is JsonObject r)
        {
            attributes = new RequestAttributes(Text(r["verb"]), Text(r["group"]), Text(r["resource"]), Text(r["subresource"]) is { Length: > 0 } sub ? sub : null,
                Text(r["namespace"]) is { Length: > 0 } ns ? ns : null, Text(r["name"]) is { Length: > 0 } name ? name : null);
        }
        else if (spec["nonResourceAttributes"] is JsonObject n)
        {
            attributes = RequestAttributes.NonResource(Text(n["verb"]), Text(n["path"]));
        }
        else
        {
            throw ApiException.BadRequest("spec: exactly one of resourceAttributes or nonResourceAttributes must be specified");
        }

        var user = (RequestUser)ctx.Items[typeof(RequestUser)]!;
        var allowed = _rbac?.Allows(user, attributes) ?? true;
        review["apiVersion"] = "authorization.k8s.io/v1";
        review["kind"] = "SelfSubjectAccessReview";
        review["metadata"] ??= new JsonObject { ["creationTimestamp"] = null };
        review["status"] = allowed ? new JsonObject { ["allowed"] = true, ["reason"] = "RBAC: allowed" } : new JsonObject { ["allowed"] = false };
        await WriteJsonAsync(ctx, 201, review);
    }

    /// <summary>A token for a ServiceAccount (what <c>kubectl create token</c> and the kubelet's projected volume ask for).</summary>
    private async Task TokenRequestAsync(HttpContext ctx, ResourceType t, string ns, string name)
    {
        _store.Get(t, ns, name); // 404 for a ServiceAccount that does not exist
        var body = ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0 ? await ReadJsonAsync(ctx) as JsonObject : null;
        var seconds = body?["spec"]?["expirationSeconds"] is JsonValue v && v.TryGetValue<long>(out var e) ? e : 3600;
        if (seconds < 600)
        {
            throw ApiException.BadRequest("spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes");
        }

        var expires = _options.TimeProvider.GetUtcNow().AddSeconds(seconds);
        var token = _serviceAccountTokens.Issue(ns, name, expires);
        await WriteJsonAsync(ctx, 201, new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray("https://kubernetes.default.svc"), ["expirationSeconds"] = seconds },
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
        });
    }

    /// <summary>The autoscaling/v1 Scale subresource of deployments and replicasets (what kubectl scale uses).</summary>
    private async Task ScaleAsync(HttpContext ctx, ResourceType t, string ns, string name)
    {
        JsonObject ToScale(JsonObject o) => new()
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = o["metadata"]?["uid"]?.DeepClone(),
                ["resourceVersion"] = o["metadata"]?["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = o["metadata"]?["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = o["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject { ["replicas"] = o["status"]?["replicas"]?.DeepClone() ?? 0 },
        };

        var method = ctx.Request.Method;
        if (method == "GET")
        {
            await WriteJsonAsync(ctx, 200, ToScale(_store.Get(t, ns, name)));
            return;
        }

        if (method is not ("PUT" or "PATCH"))
        {
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }

        var contentType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        var body = await ReadJsonAsync(ctx);
        var (result, _) = _store.Patch(t, ns, name, o =>
        {
            var scale = ToScale(o);
            var updated = method == "PUT" ? body as JsonObject : contentType == "application/json-patch+json" ? JsonPatch.Apply(scale, body) as JsonObject : MergePatch.Apply(scale, body) as JsonObject;
            if (updated?["spec"]?["replicas"] is not { } replicas)
            {
                throw ApiException.BadRequest("scale body needs spec.replicas");
            }

            if (updated["metadata"]?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } rv)
            {
                ObjectStore.Meta(o)["resourceVersion"] = rv;
            }

            if (o["spec"] is not JsonObject spec)
            {
                spec = new JsonObject();
                o["spec"] = spec;
            }

            spec["replicas"] = replicas.DeepClone();
            return o;
        }, statusOnly: false, dryRun: ctx.Request.Query.ContainsKey("dryRun"), createIfMissing: false);
        await WriteJsonAsync(ctx, 200, ToScale(result));
    }

    private async Task WatchAsync(HttpContext ctx, ResourceType t, string? ns, LabelSelector labels, FieldSelector fields, bool table)
    {
        var q = ctx.Request.Query;
        var time = _options.TimeProvider;
        var timeout = int.TryParse(q["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : _options.DefaultWatchTimeout;
        var bookmarks = IsTrue(q["allowWatchBookmarks"]);
        var sendInitial = IsTrue(q["sendInitialEvents"]);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        IReadOnlyList<StoredEvent> initial;
        WatchSubscription subscription;
        long seen;
        try
        {
            (initial, subscription, seen) = _store.Watch(t, q["resourceVersion"], sendInitial, new WatchScope(ns, fields.RequiredValue("metadata.name")));
        }
        catch (ApiException e) when (e.Code == 410)
        {
            // As the real server: a 200 stream whose only event is an ERROR carrying the 410 Status.
            await WriteLineAsync(ctx, new JsonObject { ["type"] = "ERROR", ["object"] = e.ToStatus() });
            return;
        }

        using (subscription)
        {
            bool Matches(JsonObject o) => (ns is null || ObjectStore.Namespace(o) == ns) && labels.Matches(o) && fields.Matches(o);
            bool first = true;
            async Task SendAsync(StoredEvent e)
            {
                seen = Math.Max(seen, e.ResourceVersion);
                var now = Matches(e.Object);
                var before = e.Previous is not null && Matches(e.Previous);
                var type = e.Type switch
                {
                    "ADDED" => now ? "ADDED" : null,
                    "DELETED" => now ? "DELETED" : null,
                    _ => (before, now) switch { (true, true) => "MODIFIED", (false, true) => "ADDED", (true, false) => "DELETED", _ => null },
                };
                if (type is null)
                {
                    return;
                }

                // The stored event is shared by every watcher: each gets its own copy to present and serialize.
                var obj = Present(t, (JsonObject)e.Object.DeepClone());
                JsonNode payload = table ? _tables.Convert(t, [obj], ObjectStore.ResourceVersionOf(obj), null, q["includeObject"]) : obj;
                if (table && !first)
                {
                    payload["columnDefinitions"] = new JsonArray();
                }

                first = false;
                await WriteLineAsync(ctx, new JsonObject { ["type"] = type, ["object"] = payload });
            }

            foreach (var e in initial)
            {
                await SendAsync(e);
            }

            if (sendInitial && bookmarks)
            {
                await WriteLineAsync(ctx, Bookmark(t, seen, initialEventsEnd: true));
            }
            else if (initial.Count == 0)
            {
                // Push the headers out now so the client sees the watch established.
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }

            using var timeoutCts = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, subscription.Dropped, timeoutCts.Token);
            var reader = subscription.Events.Reader;
            try
            {
                while (!linked.IsCancellationRequested)
                {
                    if (bookmarks)
                    {
                        using var interval = new CancellationTokenSource(_options.BookmarkInterval, time);
                        using var tick = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, interval.Token);
                        try
                        {
                            await reader.WaitToReadAsync(tick.Token);
                        }
                        catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                        {
                            await WriteLineAsync(ctx, Bookmark(t, seen, initialEventsEnd: false));
                            continue;
                        }
                    }
                    else
                    {
                        await reader.WaitToReadAsync(linked.Token);
                    }

                    while (reader.TryRead(out var e))
                    {
                        await SendAsync(e);
                    }
                }
            }
            catch (OperationCanceledException) when (!ctx.RequestAborted.IsCancellationRequested)
            {
                // Timeout or an injected drop: end the stream cleanly, as the real server does at its timeout.
            }
        }
    }

    private static JsonObject Bookmark(ResourceType t, long resourceVersion, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["type"] = "BOOKMARK", ["object"] = new JsonObject { ["kind"] = t.Kind, ["apiVersion"] = t.ApiVersion, ["metadata"] = meta } };
    }

    private async Task InjectFaultsAsync(HttpContext ctx, ResourcePath p)
    {
        if (_faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(_faults.Latency, _options.TimeProvider, ctx.RequestAborted);
        }

        if (_faults.Roll(_faults.ErrorRate))
        {
            throw _faults.ErrorStatusCode switch
            {
                429 => ApiException.TooManyRequests(_faults.RetryAfterSeconds),
                503 => ApiException.ServiceUnavailable("sandbox fault injection: service unavailable", _faults.RetryAfterSeconds),
                _ => ApiException.Internal("sandbox fault injection: internal error"),
            };
        }

        if (ctx.Request.Method is "PUT" or "PATCH" && p.Name is not null && _faults.Roll(_faults.ConflictRate))
        {
            throw ApiException.StaleConflict(p.Group, p.Plural, p.Name);
        }
    }

    private async Task AdminAsync(HttpContext ctx, string[] admin)
    {
        switch (ctx.Request.Method, admin)
        {
            case ("GET", ["faults"]):
                break;
            case ("POST", ["faults"]):
                var body = await ReadJsonAsync(ctx) as JsonObject ?? throw ApiException.BadRequest("faults body must be a JSON object");
                if (body["latencyMs"] is JsonValue latency)
                {
                    _faults.Latency = TimeSpan.FromMilliseconds(latency.GetValue<double>());
                }

                if (body["errorRate"] is JsonValue errorRate)
                {
                    _faults.ErrorRate = errorRate.GetValue<double>();
                }

                if (body["errorStatusCode"] is JsonValue code)
                {
                    _faults.ErrorStatusCode = code.GetValue<int>();
                }

                if (body["retryAfterSeconds"] is JsonValue retry)
                {
                    _faults.RetryAfterSeconds = retry.GetValue<int>();
                }

                if (body["conflictRate"] is JsonValue conflictRate)
                {
                    _faults.ConflictRate = conflictRate.GetValue<double>();
                }

                if (body["seed"] is JsonValue seed)
                {
                    _faults.Seed = seed.GetValue<int>();
                }

                break;
            case ("POST", ["faults", "reset"]):
                _faults.Reset();
                break;
            case ("POST", ["faults", "drop-watches"]):
                _faults.DropWatches();
                break;
            case ("POST", ["faults", "expire-watch-history"]):
                _faults.ExpireWatchHistory();
                break;
            case ("POST", ["objects"]):
                var obj = await ReadJsonAsync(ctx) as JsonObject ?? throw ApiException.BadRequest("seed body must be a JSON object");
                try
                {
                    await WriteJsonAsync(ctx, 201, _store.Seed(obj));
                }
                catch (ArgumentException e)
                {
                    throw ApiException.BadRequest(e.Message);
                }

                return;
            default:
                throw NotFoundPath();
        }

        await WriteJsonAsync(ctx, 200, new JsonObject
        {
            ["latencyMs"] = _faults.Latency.TotalMilliseconds,
            ["errorRate"] = _faults.ErrorRate,
            ["errorStatusCode"] = _faults.ErrorStatusCode,
            ["retryAfterSeconds"] = _faults.RetryAfterSeconds,
            ["conflictRate"] = _faults.ConflictRate,
            ["seed"] = _faults.Seed,
            ["openWatches"] = _store.WatcherCount,
            ["watchDeliveries"] = _store.WatchDeliveries,
        });
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext ctx)
    {
        if (ProtobufDecoder.IsProtobuf(ctx.Request.ContentType))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            return ProtobufDecoder.Decode(buffer.ToArray());
        }

        using var reader = new StreamReader(ctx.Request.Body, Utf8);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx, ResourceType t)
    {
        var obj = await ReadJsonAsync(ctx) as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        var kind = obj["kind"]?.GetValue<string>();
        if ((kind is not null && kind != t.Kind) || (apiVersion is not null && apiVersion != t.ApiVersion && !t.IsCustom))
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({t.ApiVersion})");
        }

        return EventConversion.Applies(t) ? EventConversion.ToCore(obj) : obj;
    }

    private static async Task<(string Policy, string? Uid, string? Version)> ReadDeleteOptionsAsync(HttpContext ctx)
    {
        var body = await ReadJsonAsync(ctx) as JsonObject;
        var policy = body?["propagationPolicy"]?.GetValue<string>() ?? ctx.Request.Query["propagationPolicy"].ToString();
        if (string.IsNullOrEmpty(policy))
        {
            policy = body?["orphanDependents"]?.GetValue<bool>() == true ? "Orphan" : "Background";
        }

        if (policy is not ("Background" or "Foreground" or "Orphan"))
        {
            throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }

        return (policy, body?["preconditions"]?["uid"]?.GetValue<string>(), body?["preconditions"]?["resourceVersion"]?.GetValue<string>());
    }

    /// <summary>The Status kube-apiserver answers a delete with once the object is gone.</summary>
    private static JsonObject DeletedStatus(ResourceType t, JsonObject gone) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = ObjectStore.Name(gone),
            ["group"] = t.Group,
            ["kind"] = t.Plural,
            ["uid"] = gone["metadata"]?["uid"]?.DeepClone(),
        },
    };

    /// <summary>Objects of all versions share storage; each is shown with the apiVersion it was asked for.</summary>
    private static JsonObject Present(ResourceType t, JsonObject obj)
    {
        if (EventConversion.Applies(t))
        {
            obj = EventConversion.ToEventsV1(obj);
        }

        obj["apiVersion"] = t.ApiVersion;
        obj["kind"] = t.Kind;
        return obj;
    }

    private static bool IsTrue(string? value) => value is "1" or "true" or "True";

    private static async Task WriteLineAsync(HttpContext ctx, JsonObject e)
    {
        await ctx.Response.WriteAsync(e.ToJsonString(Wire) + "\n", Utf8, ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString(Wire), Utf8, ctx.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpContext ctx, ApiException e)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }

        if (e.RetryAfterSeconds is { } retry)
        {
            ctx.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(ctx, e.Code, e.ToStatus());
    }
}
