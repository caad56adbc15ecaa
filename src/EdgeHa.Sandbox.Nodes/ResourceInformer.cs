using System.Collections.Concurrent;
using EdgeHa.Kube;
using EdgeHa.Kube.Models;
using Microsoft.Extensions.Logging;

namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// List, then watch from the list's resourceVersion, keeping a local cache; relists on 410 Gone and after any error
/// (with a short backoff). Calls <c>changed</c> after every change so the owner can reconcile (level-based).
/// </summary>
internal sealed class ResourceInformer<T>
    where T : KubernetesObject
{
    private readonly IKubernetesClient _client;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly string? _fieldSelector;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<WatchEventType, T> _changed;
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResourceInformer(IKubernetesClient client, string? @namespace, string? labelSelector, string? fieldSelector, TimeProvider time, ILogger logger, Action<WatchEventType, T> changed)
    {
        _client = client;
        _namespace = @namespace;
        _labelSelector = labelSelector;
        _fieldSelector = fieldSelector;
        _time = time;
        _logger = logger;
        _changed = changed;
    }

    /// <summary>True once the first list arrived.</summary>
    public bool Synced => _synced.Task.IsCompleted;

    public Task WaitSyncedAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public ICollection<T> Items => _items.Values;

    public T? Get(string? @namespace, string name) => _items.GetValueOrDefault(Key(@namespace, name));

    public static string Key(string? @namespace, string? name) => $"{@namespace}/{name}";

    /// <summary>Puts an object the owner just wrote into the cache, so a reconcile before its watch event does not act twice.</summary>
    public void Upsert(T item) => Apply(item);

    /// <summary>Drops an object the owner just deleted.</summary>
    public void Remove(T item) => _items.TryRemove(Key(item.Metadata.Namespace, item.Metadata.Name), out _);

    private void Apply(T item)
    {
        var key = Key(item.Metadata.Namespace, item.Metadata.Name);
        _items.AddOrUpdate(key, item, (_, existing) => IsOlder(item, existing) ? existing : item);
    }

    /// <summary>True when <paramref name="candidate"/> is an older version of the same object than <paramref name="existing"/>.</summary>
    private static bool IsOlder(T candidate, T existing) =>
        candidate.Metadata.Uid == existing.Metadata.Uid
        && long.TryParse(candidate.Metadata.ResourceVersion, out var a)
        && long.TryParse(existing.Metadata.ResourceVersion, out var b)
        && a < b;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var type = ResourceType.Of<T>();
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await _client.ListAllAsync<T>(type, _namespace, new ListOptions { LabelSelector = _labelSelector, FieldSelector = _fieldSelector }, cancellationToken);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in list.Items)
                {
                    var key = Key(item.Metadata.Namespace, item.Metadata.Name);
                    seen.Add(key);
                    _items[key] = item;
                }

                foreach (var key in _items.Keys.Where(k => !seen.Contains(k)).ToList())
                {
                    if (_items.TryRemove(key, out var gone))
                    {
                        _changed(WatchEventType.Deleted, gone);
                    }
                }

                _synced.TrySetResult();
                foreach (var item in list.Items)
                {
                    _changed(WatchEventType.Added, item);
                }

                var options = new WatchOptions
                {
                    ResourceVersion = list.Metadata.ResourceVersion,
                    LabelSelector = _labelSelector,
                    FieldSelector = _fieldSelector,
                    TimeoutSeconds = 120,
                };
                await foreach (var e in _client.WatchAsync<T>(type, _namespace, options, cancellationToken))
                {
                    failures = 0;
                    var key = Key(e.Object.Metadata.Namespace, e.Object.Metadata.Name);
                    switch (e.Type)
                    {
                        case WatchEventType.Added:
                        case WatchEventType.Modified:
                            Apply(e.Object);
                            _changed(e.Type, e.Object);
                            break;
                        case WatchEventType.Deleted:
                            _items.TryRemove(key, out _);
                            _changed(e.Type, e.Object);
                            break;
                        default:
                            break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (GoneException)
            {
                Log.InformerRelist(_logger, typeof(T).Name);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures++;
                Log.InformerFailed(_logger, typeof(T).Name, ex.Message);
                try
                {
                    // Short and capped: a stale cache delays failover in the sandbox, and a relist is cheap here.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * Math.Pow(2, Math.Min(failures, 5)))), _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
