using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeHa.Sandbox.ApiServer;

/// <summary>
/// The in-memory etcd plus the registry strategies of kube-apiserver: one resourceVersion counter for all
/// objects, uid and timestamps, generation, status subresource rules, finalizers, owner-reference garbage
/// collection, namespace lifecycle, CRD serving, and a bounded history of changes for watches.
/// All state changes happen under one lock, so every event order is a total order.
/// </summary>
internal sealed partial class ObjectStore
{
    public const string NamespacesKey = "/namespaces";
    private const string CrdKey = "apiextensions.k8s.io/customresourcedefinitions";
    private const string Rfc1123Subdomain = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    private readonly Lock _gate = new();
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly int _historyCapacity;
    private readonly Random _names;
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<WatchSubscription> _watchers = [];

    // Open watches by storage key and scope: an event goes to the watches of its namespace and name only, not to all.
    private readonly Dictionary<string, Dictionary<WatchScope, List<WatchSubscription>>> _watchIndex = new(StringComparer.Ordinal);
    private long _watchDeliveries;
    private long _resourceVersion;
    private long _compactedVersion;

    public ObjectStore(ResourceRegistry registry, TimeProvider time, int historyCapacity, int seed)
    {
        _registry = registry;
        _time = time;
        _historyCapacity = Math.Max(1, historyCapacity);
        _names = new Random(seed);
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Seed(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns }, ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") }, ["status"] = new JsonObject { ["phase"] = "Active" } });
        }
    }

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Events handed to open watches so far (each watch an event was queued for counts once).</summary>
    public long WatchDeliveries => Interlocked.Read(ref _watchDeliveries);

    public JsonObject Get(ResourceType t, string ns, string name)
    {
        lock (_gate)
        {
            return (JsonObject?)Find(t.StorageKey, Key(t, ns, name))?.DeepClone() ?? throw ApiException.NotFound(t.Group, t.Plural, name);
        }
    }

    public ListResult List(ResourceType t, string? ns, LabelSelector labels, FieldSelector fields, int limit, string? continueToken)
    {
        lock (_gate)
        {
            var after = DecodeContinue(continueToken);
            var all = Bucket(t.StorageKey).Where(kv => string.CompareOrdinal(kv.Key, after) > 0)
                .Select(kv => kv.Value)
                .Where(o => ns is null || Namespace(o) == ns)
                .Where(o => labels.Matches(o) && fields.Matches(o))
                .ToList();
            if (limit > 0 && all.Count > limit)
            {
                var page = all.Take(limit).ToList();
                var last = Key(t, Namespace(page[^1]), Name(page[^1]));
                return new ListResult(page.Select(o => (JsonObject)o.DeepClone()).ToList(), _resourceVersion, EncodeContinue(last), all.Count - limit);
            }

            return new ListResult(all.Select(o => (JsonObject)o.DeepClone()).ToList(), _resourceVersion, null, null);
        }
    }

    public JsonObject Create(ResourceType t, string ns, JsonObject body, bool dryRun)
    {
        lock (_gate)
        {
            var obj = (JsonObject)body.DeepClone();
            var meta = Meta(obj);
            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name) && meta["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
            {
                name = prefix + RandomSuffix();
                meta["name"] = name;
            }

            if (string.IsNullOrEmpty(name))
            {
                throw ApiException.Invalid(t.Group, t.Kind, "", [new FieldError("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
            }

            ValidateName(t, name);
            SetNamespace(t, ns, meta, name);
            if (t.Namespaced)
            {
                RequireLiveNamespace(t, ns, name);
            }

            if (Find(t.StorageKey, Key(t, ns, name)) is not null)
            {
                throw ApiException.AlreadyExists(t.Group, t.Plural, name);
            }

            obj["apiVersion"] = t.ApiVersion;
            obj["kind"] = t.Kind;
            foreach (var system in new[] { "uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields" })
            {
                meta.Remove(system);
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["generation"] = 1L;
            PrepareCreateStatus(t, obj);
            Validate(t, obj, name);
            if (dryRun)
            {
                return obj;
            }

            meta["resourceVersion"] = Next();
            Bucket(t.StorageKey)[Key(t, ns, name)] = obj;
            Emit("ADDED", t.StorageKey, obj, null);
            if (t.StorageKey == CrdKey)
            {
                _registry.Register(obj);
            }

            return (JsonObject)obj.DeepClone();
        }
    }

    /// <summary>
    /// Replaces an object (PUT, or the result of a patch). <paramref name="statusOnly"/> is the /status
    /// subresource; <paramref name="requireResourceVersion"/> is set for PUT of custom resources,
    /// which, as on the real server, may not be unconditional.
    /// </summary>
    public JsonObject Update(ResourceType t, string ns, string name, JsonObject body, bool statusOnly, bool requireResourceVersion, bool dryRun)
    {
        lock (_gate)
        {
            var key = Key(t, ns, name);
            var old = Find(t.StorageKey, key) ?? throw ApiException.NotFound(t.Group, t.Plural, name);
            var bodyMeta = Meta(body);
            if (bodyMeta["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            if (t.Namespaced && bodyMeta["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNs && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            var bodyVersion = bodyMeta["resourceVersion"]?.GetValue<string>();
            if (string.IsNullOrEmpty(bodyVersion))
            {
                if (requireResourceVersion)
                {
                    throw ApiException.Invalid(t.Group, t.Kind, name, [new FieldError("metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update")]);
                }
            }
            else if (bodyVersion != ResourceVersionOf(old))
            {
                throw ApiException.StaleConflict(t.Group, t.Plural, name);
            }

            JsonObject updated;
            if (statusOnly)
            {
                updated = (JsonObject)old.DeepClone();
                updated.Remove("status");
                if (body["status"] is { } status)
                {
                    updated["status"] = status.DeepClone();
                }
            }
            else
            {
                updated = (JsonObject)body.DeepClone();
                if (t.HasStatus)
                {
                    updated.Remove("status");
                    if (old["status"] is { } oldStatus)
                    {
                        updated["status"] = oldStatus.DeepClone();
                    }
                }

                var meta = Meta(updated);
                var oldMeta = Meta(old);
                foreach (var system in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
                {
                    meta.Remove(system);
                    if (oldMeta[system] is { } v)
                    {
                        meta[system] = v.DeepClone();
                    }
                }

                meta["name"] = name;
                if (t.Namespaced)
                {
                    meta["namespace"] = ns;
                }

                meta.Remove("managedFields");
                if (t.Group == ResourceRegistry.RbacGroup && t.Plural == "rolebindings" && !JsonNode.DeepEquals(old["roleRef"], updated["roleRef"]))
                {
                    // As kube-apiserver: a binding's role is fixed; to grant another role, delete and recreate.
                    throw ApiException.Invalid(t.Group, t.Kind, name, [FieldError.InvalidValue("roleRef", updated["roleRef"], "cannot change roleRef")]);
                }

                updated["apiVersion"] = t.ApiVersion;
                updated["kind"] = t.Kind;
                if (!JsonNode.DeepEquals(SpecOf(old), SpecOf(updated)))
                {
                    meta["generation"] = (oldMeta["generation"] is { } g ? JsonNumbers.AsLong(g) : 0) + 1;
                }
            }

            Meta(updated)["resourceVersion"] = ResourceVersionOf(old);
            Validate(t, updated, name);
            if (JsonNode.DeepEquals(updated, old) || dryRun)
            {
                // A no-op write does not bump the resourceVersion, as on the real server.
                return (JsonObject)updated.DeepClone();
            }

            Meta(updated)["resourceVersion"] = Next();
            Bucket(t.StorageKey)[key] = updated;
            Emit("MODIFIED", t.StorageKey, updated, old);
            if (t.StorageKey == CrdKey)
            {
                _registry.Register(updated);
            }

            if (Meta(updated)["deletionTimestamp"] is not null && !HasFinalizers(updated))
            {
                return Remove(t.StorageKey, key, updated, "Background");
            }

            return (JsonObject)updated.DeepClone();
        }
    }

    /// <summary>Reads, transforms and writes under the lock, so a patch never races another write.</summary>
    public (JsonObject Result, bool Created) Patch(ResourceType t, string ns, string name, Func<JsonObject, JsonObject> patch, bool statusOnly, bool dryRun, bool createIfMissing)
    {
        lock (_gate)
        {
            var current = Find(t.StorageKey, Key(t, ns, name));
            if (current is null)
            {
                if (!createIfMissing)
                {
                    throw ApiException.NotFound(t.Group, t.Plural, name);
                }

                var created = patch(new JsonObject());
                Meta(created)["name"] = name;
                return (Create(t, ns, created, dryRun), true);
            }

            var patched = patch((JsonObject)current.DeepClone());
            return (Update(t, ns, name, patched, statusOnly, requireResourceVersion: false, dryRun), false);
        }
    }

    /// <summary>Deletes (or marks for deletion); <c>Pending</c> is true while finalizers keep the object.</summary>
    public (JsonObject Result, bool Pending) Delete(ResourceType t, string ns, string name, string propagation, string? uidPrecondition, string? versionPrecondition, bool dryRun)
    {
        lock (_gate)
        {
            var key = Key(t, ns, name);
            var old = Find(t.StorageKey, key) ?? throw ApiException.NotFound(t.Group, t.Plural, name);
            var uid = Meta(old)["uid"]?.GetValue<string>();
            if (uidPrecondition is not null && uidPrecondition != uid)
            {
                throw ApiException.Conflict(t.Group, t.Plural, name, $"Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {uid}");
            }

            if (versionPrecondition is not null && versionPrecondition != ResourceVersionOf(old))
            {
                throw ApiException.Conflict(t.Group, t.Plural, name, $"Precondition failed: ResourceVersion in precondition: {versionPrecondition}, ResourceVersion in object meta: {ResourceVersionOf(old)}");
            }

            if (dryRun)
            {
                return ((JsonObject)old.DeepClone(), false);
            }

            var result = DeleteLocked(t.StorageKey, key, old, propagation);
            return (result, Find(t.StorageKey, key) is not null);
        }
    }

    /// <summary>Adds or replaces an object as-is (status kept, no validation): fixtures for tests and demos.</summary>
    public JsonObject Seed(JsonObject obj)
    {
        lock (_gate)
        {
            var copy = (JsonObject)obj.DeepClone();
            var apiVersion = copy["apiVersion"]?.GetValue<string>() ?? "";
            var kind = copy["kind"]?.GetValue<string>() ?? "";
            var t = _registry.FindByKind(apiVersion, kind) ?? throw new ArgumentException($"the sandbox does not serve {apiVersion}, Kind={kind}", nameof(obj));
            if (EventConversion.Applies(t))
            {
                copy = EventConversion.ToCore(copy);
            }

            var meta = Meta(copy);
            var name = meta["name"]?.GetValue<string>() ?? throw new ArgumentException("metadata.name is required", nameof(obj));
            var ns = t.Namespaced ? meta["namespace"]?.GetValue<string>() ?? "default" : "";
            if (t.Namespaced)
            {
                meta["namespace"] = ns;
            }

            var key = Key(t, ns, name);
            var old = Find(t.StorageKey, key);
            meta["uid"] ??= old is null ? Guid.NewGuid().ToString() : Meta(old)["uid"]!.DeepClone();
            meta["creationTimestamp"] ??= old is null ? Now() : Meta(old)["creationTimestamp"]!.DeepClone();
            meta["generation"] ??= 1L;
            meta["resourceVersion"] = Next();
            Bucket(t.StorageKey)[key] = copy;
            Emit(old is null ? "ADDED" : "MODIFIED", t.StorageKey, copy, old);
            if (t.StorageKey == CrdKey)
            {
                FillCrdStatus(copy);
                _registry.Register(copy);
            }

            return (JsonObject)copy.DeepClone();
        }
    }

    /// <summary>
    /// Opens a watch. With no resourceVersion (or "0") the current objects come first as ADDED events;
    /// otherwise the history after that version is replayed, or 410 Gone when it was compacted away.
    /// </summary>
    public (IReadOnlyList<StoredEvent> Initial, WatchSubscription Subscription, long ResourceVersion) Watch(ResourceType t, string? resourceVersion, bool sendInitialEvents, WatchScope scope = default)
    {
        lock (_gate)
        {
            var initial = new List<StoredEvent>();
            if (sendInitialEvents || string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                initial.AddRange(Bucket(t.StorageKey).Values.Select(o => new StoredEvent("ADDED", t.StorageKey, o, null, long.Parse(ResourceVersionOf(o), CultureInfo.InvariantCulture))));
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiException.BadRequest($"invalid resource version: \"{resourceVersion}\"");
                }

                if (from < _compactedVersion)
                {
                    throw ApiException.Gone($"too old resource version: {from} ({_compactedVersion + 1})");
                }

                // From the newest back to the resume point: the cost is what happened since, not the whole history
                // (2,000 lease holders resuming their watches every minute scanned 200,000 entries each under this lock).
                var tail = new List<StoredEvent>();
                for (var node = _history.Last; node is not null && node.Value.ResourceVersion > from; node = node.Previous)
                {
                    if (node.Value.StorageKey == t.StorageKey && scope.Includes(node.Value.Object))
                    {
                        tail.Add(node.Value);
                    }
                }

                tail.Reverse();
                initial.AddRange(tail);
            }

            var subscription = new WatchSubscription(t.StorageKey, scope, Unsubscribe);
            _watchers.Add(subscription);
            if (!_watchIndex.TryGetValue(t.StorageKey, out var scopes))
            {
                scopes = [];
                _watchIndex[t.StorageKey] = scopes;
            }

            if (!scopes.TryGetValue(scope, out var list))
            {
                list = [];
                scopes[scope] = list;
            }

            list.Add(subscription);
            return (initial, subscription, _resourceVersion);
        }
    }

    /// <summary>Forgets the watch history, as etcd compaction does: older resume points get 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedVersion = _resourceVersion;
        }
    }

    /// <summary>Ends every open watch connection.</summary>
    public int DropWatches()
    {
        lock (_gate)
        {
            foreach (var w in _watchers)
            {
                w.Drop();
            }

            return _watchers.Count;
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
            if (_watchIndex.TryGetValue(subscription.StorageKey, out var scopes) && scopes.TryGetValue(subscription.Scope, out var list))
            {
                list.Remove(subscription);
                if (list.Count == 0)
                {
                    scopes.Remove(subscription.Scope);
                }
            }
        }
    }

    private JsonObject DeleteLocked(string storageKey, string key, JsonObject obj, string propagation)
    {
        var meta = Meta(obj);
        if (propagation == "Orphan")
        {
            OrphanDependents(meta["uid"]?.GetValue<string>());
        }

        if (storageKey == NamespacesKey)
        {
            var ns = Name(obj);
            var terminating = obj;
            if (meta["deletionTimestamp"] is null)
            {
                terminating = (JsonObject)obj.DeepClone();
                Meta(terminating)["deletionTimestamp"] = Now();
                terminating["status"] = new JsonObject { ["phase"] = "Terminating" };
                Meta(terminating)["resourceVersion"] = Next();
                Bucket(storageKey)[key] = terminating;
                Emit("MODIFIED", storageKey, terminating, obj);
            }

            foreach (var (bucketKey, bucket) in _objects.ToList())
            {
                foreach (var (k, o) in bucket.Where(kv => Namespace(kv.Value) == ns).ToList())
                {
                    if (bucket.ContainsKey(k))
                    {
                        DeleteLocked(bucketKey, k, o, "Background");
                    }
                }
            }

            // The namespace may already have gone with its last object; answer with what was deleted then.
            return TryRemoveNamespace(ns) ?? (JsonObject)(Find(storageKey, key) ?? terminating).DeepClone();
        }

        if (HasFinalizers(obj))
        {
            if (meta["deletionTimestamp"] is not null)
            {
                return (JsonObject)obj.DeepClone();
            }

            var marked = (JsonObject)obj.DeepClone();
            Meta(marked)["deletionTimestamp"] = Now();
            Meta(marked)["deletionGracePeriodSeconds"] = 0;
            Meta(marked)["resourceVersion"] = Next();
            Bucket(storageKey)[key] = marked;
            Emit("MODIFIED", storageKey, marked, obj);
            return (JsonObject)marked.DeepClone();
        }

        return Remove(storageKey, key, obj, propagation);
    }

    private JsonObject Remove(string storageKey, string key, JsonObject obj, string propagation)
    {
        Bucket(storageKey).Remove(key);
        var deleted = (JsonObject)obj.DeepClone();
        Meta(deleted)["resourceVersion"] = Next();
        Emit("DELETED", storageKey, deleted, obj);
        if (storageKey == CrdKey && _registry.Unregister(Name(obj)) is { } crKey)
        {
            foreach (var (k, o) in Bucket(crKey).ToList())
            {
                Remove(crKey, k, o, "Background");
            }
        }

        var uid = Meta(obj)["uid"]?.GetValue<string>();
        if (propagation != "Orphan" && uid is not null)
        {
            CollectDependents(uid);
        }

        if (Namespace(obj) is { Length: > 0 } ns && Find(NamespacesKey, "/" + ns) is { } nsObj && Meta(nsObj)["deletionTimestamp"] is not null)
        {
            TryRemoveNamespace(ns);
        }

        return (JsonObject)deleted.DeepClone();
    }

    /// <summary>Background cascade: dependents whose every owner is gone are deleted; others lose the reference.</summary>
    private void CollectDependents(string ownerUid)
    {
        foreach (var (storageKey, key, dependent) in Dependents(ownerUid))
        {
            var refs = (JsonArray)Meta(dependent)["ownerReferences"]!;
            var otherOwnerAlive = refs.OfType<JsonObject>().Any(r => r["uid"]?.GetValue<string>() is { } u && u != ownerUid && UidExists(u));
            if (otherOwnerAlive)
            {
                RewriteOwnerReferences(storageKey, key, dependent, ownerUid);
            }
            else if (Find(storageKey, key) is { } current)
            {
                DeleteLocked(storageKey, key, current, "Background");
            }
        }
    }

    private void OrphanDependents(string? ownerUid)
    {
        if (ownerUid is null)
        {
            return;
        }

        foreach (var (storageKey, key, dependent) in Dependents(ownerUid))
        {
            RewriteOwnerReferences(storageKey, key, dependent, ownerUid);
        }
    }

    private void RewriteOwnerReferences(string storageKey, string key, JsonObject dependent, string ownerUid)
    {
        var updated = (JsonObject)dependent.DeepClone();
        var refs = new JsonArray(((JsonArray)Meta(updated)["ownerReferences"]!).Where(r => r?["uid"]?.GetValue<string>() != ownerUid).Select(r => r!.DeepClone()).ToArray());
        if (refs.Count == 0)
        {
            Meta(updated).Remove("ownerReferences");
        }
        else
        {
            Meta(updated)["ownerReferences"] = refs;
        }

        Meta(updated)["resourceVersion"] = Next();
        Bucket(storageKey)[key] = updated;
        Emit("MODIFIED", storageKey, updated, dependent);
    }

    private List<(string StorageKey, string Key, JsonObject Object)> Dependents(string ownerUid) =>
        _objects.SelectMany(b => b.Value.Select(kv => (b.Key, kv.Key, kv.Value)))
            .Where(x => Meta(x.Value)["ownerReferences"] is JsonArray refs && refs.Any(r => r?["uid"]?.GetValue<string>() == ownerUid))
            .ToList();

    private bool UidExists(string uid) => _objects.Values.Any(b => b.Values.Any(o => Meta(o)["uid"]?.GetValue<string>() == uid));

    private JsonObject? TryRemoveNamespace(string ns)
    {
        var key = "/" + ns;
        if (Find(NamespacesKey, key) is not { } nsObj || Meta(nsObj)["deletionTimestamp"] is null || HasFinalizers(nsObj))
        {
            return null;
        }

        if (_objects.Any(b => b.Key != NamespacesKey && b.Value.Values.Any(o => Namespace(o) == ns)))
        {
            return null;
        }

        return Remove(NamespacesKey, key, nsObj, "Background");
    }

    private void RequireLiveNamespace(ResourceType t, string ns, string name)
    {
        var nsObj = Find(NamespacesKey, "/" + ns) ?? throw ApiException.NotFound("", "namespaces", ns);
        if (Meta(nsObj)["deletionTimestamp"] is not null)
        {
            throw ApiException.Forbidden($"{(t.Group.Length == 0 ? t.Plural : $"{t.Plural}.{t.Group}")} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }

    private static void SetNamespace(ResourceType t, string ns, JsonObject meta, string name)
    {
        if (!t.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        if (meta["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNs && bodyNs != ns)
        {
            throw ApiException.BadRequest($"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns}) for {name}");
        }

        meta["namespace"] = ns;
    }

    private static void ValidateName(ResourceType t, string name)
    {
        var label = t.StorageKey == NamespacesKey;
        var max = label ? 63 : 253;
        if (name.Length > max || !NameRegex().IsMatch(name) || (label && name.Contains('.', StringComparison.Ordinal)))
        {
            var what = label
                ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
            throw ApiException.Invalid(t.Group, t.Kind, name, [FieldError.InvalidValue("metadata.name", name, what)]);
        }
    }

    private void PrepareCreateStatus(ResourceType t, JsonObject obj)
    {
        switch (t.StorageKey)
        {
            case NamespacesKey:
                obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                return;
            case "/pods":
                obj["status"] = new JsonObject { ["phase"] = "Pending" };
                return;
            case "/nodes":
                return; // kubelets register nodes with their status in the create
            case CrdKey:
                FillCrdStatus(obj);
                return;
        }

        if (t.HasStatus)
        {
            obj.Remove("status");
        }
    }

    private void Validate(ResourceType t, JsonObject obj, string name)
    {
        var errors = new List<FieldError>();
        if (t.IsCustom && t.Schema is not null)
        {
            errors.AddRange(SchemaValidator.Apply(obj, t.Schema));
        }
        else if (t.StorageKey == CrdKey)
        {
            errors.AddRange(ValidateCrd(obj));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(t.Group, t.Kind, name, errors);
        }
    }

    private static List<FieldError> ValidateCrd(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>();
        var plural = spec?["names"]?["plural"]?.GetValue<string>();
        if (string.IsNullOrEmpty(group))
        {
            errors.Add(FieldError.Required("spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            errors.Add(FieldError.Required("spec.names.plural"));
        }

        if (string.IsNullOrEmpty(spec?["names"]?["kind"]?.GetValue<string>()))
        {
            errors.Add(FieldError.Required("spec.names.kind"));
        }

        if (spec?["scope"]?.GetValue<string>() is not ("Namespaced" or "Cluster"))
        {
            errors.Add(FieldError.NotSupported("spec.scope", spec?["scope"]?.DeepClone(), [JsonValue.Create("Cluster"), JsonValue.Create("Namespaced")]));
        }

        if (spec?["versions"] is not JsonArray { Count: > 0 } versions)
        {
            errors.Add(FieldError.Required("spec.versions"));
        }
        else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
        {
            errors.Add(FieldError.InvalidValue("spec.versions", null, "must have exactly one version marked as storage version"));
        }

        var name = crd["metadata"]?["name"]?.GetValue<string>();
        if (group is not null && plural is not null && name != $"{plural}.{group}")
        {
            errors.Add(FieldError.InvalidValue("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        return errors;
    }

    private void FillCrdStatus(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec || spec["names"] is not JsonObject names)
        {
            return;
        }

        names["singular"] ??= names["kind"]?.GetValue<string>().ToLowerInvariant();
        names["listKind"] ??= names["kind"]?.GetValue<string>() + "List";
        var now = Now();
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
            ["acceptedNames"] = names.DeepClone(),
            ["storedVersions"] = new JsonArray((spec["versions"] as JsonArray ?? []).Where(v => v?["storage"]?.GetValue<bool>() == true).Select(v => (JsonNode?)JsonValue.Create(v!["name"]!.GetValue<string>())).ToArray()),
        };
    }

    private void Emit(string type, string storageKey, JsonObject obj, JsonObject? previous)
    {
        var e = new StoredEvent(type, storageKey, (JsonObject)obj.DeepClone(), (JsonObject?)previous?.DeepClone(), _resourceVersion);
        _history.AddLast(e);
        while (_history.Count > _historyCapacity)
        {
            _compactedVersion = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        if (!_watchIndex.TryGetValue(storageKey, out var scopes))
        {
            return;
        }

        var ns = Namespace(obj);
        var name = Name(obj);
        foreach (var scope in (ReadOnlySpan<WatchScope>)[WatchScope.All, new(ns, null), new(null, name), new(ns, name)])
        {
            if (scopes.TryGetValue(scope, out var list))
            {
                foreach (var w in list)
                {
                    w.Deliver(e);
                }

                _watchDeliveries += list.Count;
            }
        }
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return new string(Enumerable.Range(0, 5).Select(_ => alphabet[_names.Next(alphabet.Length)]).ToArray());
    }

    private SortedDictionary<string, JsonObject> Bucket(string storageKey)
    {
        if (!_objects.TryGetValue(storageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[storageKey] = bucket;
        }

        return bucket;
    }

    private JsonObject? Find(string storageKey, string key) => Bucket(storageKey).GetValueOrDefault(key);

    private static string Key(ResourceType t, string ns, string name) => t.Namespaced ? $"{ns}/{name}" : $"/{name}";

    internal static JsonObject Meta(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = new JsonObject();
            obj["metadata"] = meta;
        }

        return meta;
    }

    internal static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? "";

    internal static string Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";

    internal static string ResourceVersionOf(JsonObject obj) => obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";

    private static bool HasFinalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 };

    /// <summary>Everything but metadata and status: a change here bumps metadata.generation.</summary>
    private static JsonObject SpecOf(JsonObject obj)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in obj)
        {
            if (k is not ("metadata" or "status" or "apiVersion" or "kind"))
            {
                copy[k] = v?.DeepClone();
            }
        }

        return copy;
    }

    private static string EncodeContinue(string lastKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey));

    private static string DecodeContinue(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "";
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("continue key is not valid: illegal base64 data");
        }
    }

    [GeneratedRegex(Rfc1123Subdomain)]
    private static partial Regex NameRegex();
}
