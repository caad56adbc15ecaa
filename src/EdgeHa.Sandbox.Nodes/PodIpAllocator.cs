namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// Hands out a node's pod addresses &lt;prefix&gt;2-254, one per pod uid; the node itself is &lt;prefix&gt;1. The default
/// prefix is 127.77.&lt;node&gt;. (all of 127.0.0.0/8 is loopback on Linux).
/// </summary>
internal sealed class PodIpAllocator(string prefix)
{
    private readonly Dictionary<string, int> _byUid = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public PodIpAllocator(int nodeIndex)
        : this($"127.77.{nodeIndex}.")
    {
    }

    public string HostIP => prefix + "1";

    /// <summary>The address of <paramref name="uid"/>: its current one, else <paramref name="preferred"/> when it is ours and free, else the lowest free.</summary>
    public string Allocate(string uid, string? preferred)
    {
        lock (_gate)
        {
            if (_byUid.TryGetValue(uid, out var existing))
            {
                return Format(existing);
            }

            if (preferred is not null && preferred.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(preferred.AsSpan(prefix.Length), out var wanted) && wanted is >= 2 and <= 254 && !_byUid.ContainsValue(wanted))
            {
                _byUid[uid] = wanted;
                return Format(wanted);
            }

            for (var n = 2; n <= 254; n++)
            {
                if (!_byUid.ContainsValue(n))
                {
                    _byUid[uid] = n;
                    return Format(n);
                }
            }

            throw new InvalidOperationException($"no free pod address left in {prefix}2-254 (253 pods)");
        }
    }

    public void Release(string uid)
    {
        lock (_gate)
        {
            _byUid.Remove(uid);
        }
    }

    private string Format(int n) => prefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
