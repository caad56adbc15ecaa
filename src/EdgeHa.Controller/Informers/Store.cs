using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Informers;

/// <summary>
/// The informer's thread-safe local cache, keyed <c>namespace/name</c>, with optional indexes (client-go's
/// ThreadSafeStore + Indexer). Objects handed out are the cache's own: read them, never mutate them.
/// </summary>
public sealed class Store<T>
    where T : KubernetesObject
{
    /// <summary>The conventional index of objects by namespace.</summary>
    public const string NamespaceIndex = "namespace";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _indexers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> _indices = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds an index; existing objects are indexed at once.</summary>
    public void AddIndexer(string indexName, Func<T, IEnumerable<string>> indexFunc)
    {
        ArgumentException.ThrowIfNullOrEmpty(indexName);
        ArgumentNullException.ThrowIfNull(indexFunc);
        lock (_gate)
        {
            if (!_indexers.TryAdd(indexName, indexFunc))
            {
                throw new InvalidOperationException($"Indexer '{indexName}' already exists.");
            }

            _indices[indexName] = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var (key, item) in _items)
            {
                IndexLocked(indexName, indexFunc, key, item);
            }
        }
    }

    /// <summary>Adds the standard namespace index.</summary>
    public void AddNamespaceIndexer() => AddIndexer(NamespaceIndex, o => [o.Metadata.Namespace ?? ""]);

    public T? Get(string key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public T? Get(string? @namespace, string name) => Get(ObjectKey.Of(@namespace, name));

    public IReadOnlyList<T> List()
    {
        lock (_gate)
        {
            return [.. _items.Values];
        }
    }

    public IReadOnlyList<string> ListKeys()
    {
        lock (_gate)
        {
            return [.. _items.Keys];
        }
    }

    /// <summary>The objects whose index function yielded <paramref name="indexedValue"/> for <paramref name="indexName"/>.</summary>
    public IReadOnlyList<T> ByIndex(string indexName, string indexedValue)
    {
        lock (_gate)
        {
            if (!_indices.TryGetValue(indexName, out var index))
            {
                throw new KeyNotFoundException($"Indexer '{indexName}' does not exist.");
            }

            return index.TryGetValue(indexedValue, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>Inserts or replaces the object; returns the previous one.</summary>
    internal T? Upsert(T obj)
    {
        var key = ObjectKey.Of(obj);
        lock (_gate)
        {
            var old = _items.GetValueOrDefault(key);
            if (old is not null)
            {
                UnindexLocked(key, old);
            }

            _items[key] = obj;
            foreach (var (name, func) in _indexers)
            {
                IndexLocked(name, func, key, obj);
            }

            return old;
        }
    }

    /// <summary>Removes the object with the key; returns it, or null when absent.</summary>
    internal T? Delete(string key)
    {
        lock (_gate)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }

            UnindexLocked(key, old);
            return old;
        }
    }

    private void IndexLocked(string indexName, Func<T, IEnumerable<string>> func, string key, T obj)
    {
        var index = _indices[indexName];
        foreach (var value in func(obj))
        {
            if (!index.TryGetValue(value, out var keys))
            {
                keys = new HashSet<string>(StringComparer.Ordinal);
                index[value] = keys;
            }

            keys.Add(key);
        }
    }

    private void UnindexLocked(string key, T obj)
    {
        foreach (var (name, func) in _indexers)
        {
            var index = _indices[name];
            foreach (var value in func(obj))
            {
                if (index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    index.Remove(value);
                }
            }
        }
    }
}
